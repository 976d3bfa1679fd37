/**
 * One folder per connector: outside its own folders (src/connectors/<kind>/<id>, local/sandbox/<id>,
 * tests/connectors/<kind>/<id>) and the registry, no file names a connector id — as an identifier, a string
 * or an import path, case-insensitive (comments are free) — or imports a connector folder. Everything else
 * reaches connectors through src/connectors/registry.ts and sandboxes through local/sandbox/registry.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { NAMED_IDS } from '../../src/connectors/registry';

const root = path.resolve(__dirname, '..', '..');
const ids = NAMED_IDS.map((id) => id.toLowerCase());

/** Shared folders beside the connector folders (not a connector). */
const SHARED = new Set(['common', 'support', 'framework', 'echo']);

/** Inside a connector's own folder (registered or on its way to the registry), or the registry itself. */
function isConnectorOwn(rel: string): boolean {
  const p = rel.split('/');
  const own = (prefix: string[]) =>
    prefix.every((s, i) => p[i] === s) &&
    p.length > prefix.length + 1 &&
    !SHARED.has(p[prefix.length]) &&
    /^[a-z0-9-]+$/.test(p[prefix.length]);
  return (
    rel === 'src/connectors/registry.ts' ||
    own(['src', 'connectors', 'sources']) ||
    own(['src', 'connectors', 'psa']) ||
    own(['local', 'sandbox']) ||
    own(['tests', 'connectors', 'sources']) ||
    own(['tests', 'connectors', 'psa'])
  );
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) walk(rel, out);
    else if (/\.(ts|mts|cts|mjs|cjs|js)$/.test(e.name)) out.push(rel);
  }
  return out;
}

/** Where a file names a connector or reaches into a connector folder: 'line: text'. */
export function violations(rel: string, text: string): string[] {
  const sf = ts.createSourceFile(rel, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const report = (node: ts.Node, what: string) => {
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    found.push(`${rel}:${line}: ${what}`);
  };
  const check = (node: ts.Node, value: string, kind: string) => {
    const v = value.toLowerCase();
    const id = ids.find((i) => v.includes(i));
    if (id) report(node, `${kind} '${value.slice(0, 60)}' names connector '${id}'`);
    else if (/connectors\/(sources|psa)\/|sandbox\/[a-z0-9-]+\//.test(value) && kind === 'import') {
      if (!/\/(common|framework)\//.test(value))
        report(node, `import '${value}' reaches into a connector folder`);
    }
  };
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) check(node, node.text, 'identifier');
    else if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      check(node.moduleSpecifier, node.moduleSpecifier.text, 'import');
      if (ts.isImportDeclaration(node) && node.importClause) visit(node.importClause);
      if (ts.isExportDeclaration(node) && node.exportClause) visit(node.exportClause);
      return;
    } else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
      check(node, node.text, 'string');
    else if (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node))
      check(node, node.text, 'string');
    else if (ts.isJsxText(node)) check(node, node.text, 'string');
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('connector names stay in connector folders', () => {
  const files = ['src', 'sidebar', 'local', 'tests', 'scripts']
    .flatMap((d) => walk(d))
    .filter((f) => !isConnectorOwn(f));

  it('the scan sees a connector name where there is one (and not in a comment)', () => {
    const id = ids[0];
    expect(violations('x.ts', `// ${id} in a comment\nconst a = 1;`)).toEqual([]);
    expect(violations('x.ts', `const a = '${id.toUpperCase()}';`)).toHaveLength(1);
    expect(violations('x.ts', `const my${id}Thing = 1;`)).toHaveLength(1);
    expect(violations('x.ts', `import { x } from '../src/connectors/psa/${id}';`)).toHaveLength(1);
    expect(violations('x.ts', "import { x } from '../src/connectors/psa/other/thing';")).toHaveLength(1);
    expect(violations('x.ts', 'const t = `a ${b} ' + id + '`;')).toHaveLength(1);
  });

  // No file is exempt: a test reaches a connector through the registries or its folder's test hooks.
  it('src, sidebar, local, scripts and tests name no connector', () => {
    const bad = files.flatMap((f) => violations(f, fs.readFileSync(path.join(root, f), 'utf8')));
    expect(bad).toEqual([]);
  });
});
