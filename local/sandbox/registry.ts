/**
 * The sandboxes, one per registered connector that has a folder here: `local/sandbox/<id>/index.ts`
 * exporting `sandbox` (local/sandbox/module.ts). Found by convention from the connector registry, so a
 * new connector's sandbox needs no line here, in the workbench or in the harnesses.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CONNECTORS, IMPORTS } from '../../src/connectors/registry';
import type { ConnectorDescriptor } from '../../src/connectors/descriptor';
import type { ImportBench, PsaBench, SourceBench } from './bench';
import type { DemoSeed, SandboxModule } from './module';

const folderOf = (id: string): string => path.join(__dirname, id);

export function hasSandbox(id: string): boolean {
  return /^[a-z0-9-]+$/.test(id) && fs.existsSync(path.join(folderOf(id), 'index.ts'));
}

export function sandboxOf(id: string): SandboxModule {
  if (!hasSandbox(id)) throw new Error(`No sandbox for connector '${id}' (local/sandbox/${id}/index.ts)`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- sandboxes load by convention
  const mod = require(path.join(folderOf(id), 'index.ts')) as { sandbox?: SandboxModule };
  if (!mod.sandbox || mod.sandbox.id !== id) {
    throw new Error(`local/sandbox/${id}/index.ts must export \`sandbox\` with id '${id}'`);
  }
  return mod.sandbox;
}

/** Registered connectors that have a sandbox, in the registry's order. */
export function sandboxedConnectors(kind?: ConnectorDescriptor['kind']): ConnectorDescriptor[] {
  return CONNECTORS.filter((c) => (!kind || c.kind === kind) && hasSandbox(c.id));
}

/** The demo credentials of every sandboxed connector (or of `ids`), by connector id. */
export function demoCredentials(ids?: readonly string[]): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const c of sandboxedConnectors()) {
    if (!ids || ids.includes(c.id)) out[c.id] = sandboxOf(c.id).demoCredentials();
  }
  return out;
}

/**
 * The connectors of a demo month billed to `psa` (`npm start -- --psa <id>`): the PSA and the sources its
 * sandbox names for its month (SandboxModule.demoMonthSources), else the first two sandboxed sources (the
 * default demo month's). Throws, listing the choices, when `psa` is not a sandboxed PSA.
 */
export function demoMonthFor(psa: string): { psa: string; sources: string[] } {
  const psas = sandboxedConnectors('psa').map((c) => c.id);
  if (!psas.includes(psa)) throw new Error(`--psa takes one of ${psas.join(', ')} (not '${psa}').`);
  const own = sandboxOf(psa).demoMonthSources;
  const sources = own
    ? [...own]
    : sandboxedConnectors('source')
        .slice(0, 2)
        .map((c) => c.id);
  return { psa, sources };
}

/**
 * The vendors' real https origins as the bundle writes them (the connectors' URL prefixes without the
 * trailing '/'), by connector id: the emulator's UrlFetchApp sends each to that connector's sandbox.
 */
export function vendorOrigins(): Record<string, string[]> {
  return Object.fromEntries(
    sandboxedConnectors().map((c) => [
      c.id,
      [...c.urlPrefixes, ...(sandboxOf(c.id).demoOrigins ?? [])].map((p) => p.replace(/\/$/, '')),
    ]),
  );
}

/** The bench hooks of a connector (local/sandbox/<id>/bench.ts exporting `bench`), or null. */
export function benchOf(id: string): SourceBench | PsaBench | null {
  if (!hasSandbox(id) || !fs.existsSync(path.join(folderOf(id), 'bench.ts'))) return null;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- bench hooks load by convention
  const mod = require(path.join(folderOf(id), 'bench.ts')) as { bench?: SourceBench | PsaBench };
  const kind = CONNECTORS.find((c) => c.id === id)?.kind;
  if (!mod.bench || mod.bench.kind !== kind) {
    throw new Error(`local/sandbox/${id}/bench.ts must export \`bench\` of kind '${kind}'`);
  }
  return mod.bench;
}

/** Registered PSAs with bench hooks, in the registry's order. */
export function benchedPsas(): { id: string; bench: PsaBench }[] {
  return sandboxedConnectors('psa').flatMap((c) => {
    const b = benchOf(c.id);
    return b?.kind === 'psa' ? [{ id: c.id, bench: b }] : [];
  });
}

/** Registered sources with bench hooks, in the registry's order. */
export function benchedSources(): { id: string; bench: SourceBench }[] {
  return sandboxedConnectors('source').flatMap((c) => {
    const b = benchOf(c.id);
    return b?.kind === 'source' ? [{ id: c.id, bench: b }] : [];
  });
}

/**
 * The file imports' bench hooks: a folder here without a sandbox server (an import has no vendor API)
 * whose bench.ts exports `bench` of kind 'import' for a registered import (IMPORTS), in IMPORTS' order.
 */
export function benchedImports(): { id: string; bench: ImportBench }[] {
  const found: { id: string; bench: ImportBench }[] = [];
  for (const e of fs.readdirSync(__dirname, { withFileTypes: true })) {
    if (!e.isDirectory() || !/^[a-z0-9-]+$/.test(e.name) || hasSandbox(e.name)) continue;
    const file = path.join(folderOf(e.name), 'bench.ts');
    if (!fs.existsSync(file)) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- bench hooks load by convention
    const mod = require(file) as { bench?: { kind?: unknown; importId?: unknown } };
    if (mod.bench?.kind !== 'import') continue;
    const bench = mod.bench as ImportBench;
    if (!IMPORTS.some((i) => i.id === bench.importId))
      throw new Error(`local/sandbox/${e.name}/bench.ts names no registered import ('${bench.importId}')`);
    found.push({ id: bench.importId, bench });
  }
  return IMPORTS.flatMap((i) => found.filter((f) => f.id === i.id));
}

/**
 * The demo seeds (local/sandbox/<folder>/demo-seed.ts exporting `demoSeed`) of every registered
 * connector's sandbox folder and of every folder with no sandbox server (a file import's), in folder order.
 */
export function demoSeeds(): DemoSeed[] {
  const connectorIds = new Set(sandboxedConnectors().map((c) => c.id));
  return fs
    .readdirSync(__dirname, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^[a-z0-9-]+$/.test(e.name))
    .filter((e) => connectorIds.has(e.name) || !hasSandbox(e.name))
    .map((e) => path.join(folderOf(e.name), 'demo-seed.ts'))
    .filter((file) => fs.existsSync(file))
    .map((file) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- demo seeds load by convention
      const mod = require(file) as { demoSeed?: DemoSeed };
      if (!mod.demoSeed) throw new Error(`${path.relative(__dirname, file)} must export \`demoSeed\``);
      return mod.demoSeed;
    });
}
