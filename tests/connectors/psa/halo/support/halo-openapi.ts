/**
 * Checks logged Halo requests against Halo's published OpenAPI (specs/halopsa_swagger.json, vendored with
 * its licence): the path is an operation of the spec (Halo's routing is case-insensitive), every query
 * parameter is declared for it, and a JSON body validates against the operation's request schema.
 * Responses declare no schema in this spec ("200 Success" only), so they are not checked here; the sandbox
 * keeps only declared record fields instead (local/sandbox/halo/spec.ts).
 * The spec's parameter types are .NET names ('int', 'bool', 'List<int>'); query values are checked for them.
 */
import fs from 'node:fs';
import Ajv, { type ValidateFunction } from 'ajv';
import { HALO_SPEC_PATH } from '../../../../../local/sandbox/halo/spec';
import type { LoggedRequest } from '../../../../../local/sandbox/framework';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** OpenAPI 3.0 schema → JSON Schema (refs into a registered copy of the components). */
function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!isObj(node)) return node;
  const out: Obj = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'nullable' || k === 'example' || k === 'format') continue;
    if (k === '$ref' && typeof v === 'string') out.$ref = v.replace(/^#\/components\//, 'halo-components#/');
    else
      out[k] =
        k === 'properties' && isObj(v)
          ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, toJsonSchema(s)]))
          : toJsonSchema(v);
  }
  // Halo answers and accepts null for most fields; the spec marks none nullable.
  if (typeof out.type === 'string' && out.type !== 'object' && out.type !== 'array')
    out.type = [out.type, 'null'];
  return out;
}

const VALUE: Record<string, RegExp> = {
  int: /^-?\d+$/,
  integer: /^-?\d+$/,
  bool: /^(true|false)$/i,
  boolean: /^(true|false)$/i,
  'List<int>': /^-?\d+(,-?\d+)*$/,
};

export class HaloSpec {
  private readonly spec: Obj;
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: { template: string; pattern: RegExp }[];

  constructor() {
    this.spec = JSON.parse(fs.readFileSync(HALO_SPEC_PATH, 'utf8')) as Obj;
    const components = this.spec.components as Obj;
    this.ajv.addSchema({ $id: 'halo-components', ...(toJsonSchema(components) as Obj) });
    this.templates = Object.keys(this.spec.paths as Obj).map((template) => ({
      template,
      pattern: new RegExp(
        `^/api${template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\{[^}]+\\\}/g, '[^/]+')}$`,
        'i',
      ),
    }));
  }

  /** Problems with one logged request (empty: it is a request the spec describes). */
  check(log: Pick<LoggedRequest, 'method' | 'path' | 'query' | 'body'>): string[] {
    const where = `${log.method} ${log.path}`;
    // Literal paths before templated ones (/RecurringInvoice/process, not /RecurringInvoice/{id}).
    const match = this.templates
      .filter((t) => t.pattern.test(log.path))
      .sort((a, b) => (a.template.includes('{') ? 1 : 0) - (b.template.includes('{') ? 1 : 0))
      .find((t) => isObj((this.spec.paths as Obj)[t.template]?.[log.method.toLowerCase() as never]));
    if (!match) return [`${where}: no such operation in the Halo spec`];
    const op = ((this.spec.paths as Obj)[match.template] as Obj)[log.method.toLowerCase()] as Obj;
    const errors: string[] = [];
    const params = (op.parameters ?? []) as Obj[];
    for (const [name, value] of new URLSearchParams(log.query)) {
      const p = params.find((x) => x.in === 'query' && x.name === name);
      if (!p) {
        errors.push(`${where}: query parameter '${name}' is not declared`);
        continue;
      }
      const type = String((p.schema as Obj | undefined)?.type ?? 'string');
      const re = VALUE[type];
      if (re && !re.test(value)) errors.push(`${where}: ${name}=${value} is not a ${type}`);
    }
    if (log.body && log.method !== 'GET') {
      const schema = (
        ((op.requestBody as Obj | undefined)?.content as Obj | undefined)?.['application/json'] as
          Obj | undefined
      )?.schema;
      if (!schema) errors.push(`${where}: the spec declares no JSON body`);
      else {
        let v = this.compiled.get(match.template + log.method);
        if (!v) {
          v = this.ajv.compile(toJsonSchema(schema) as Obj);
          this.compiled.set(match.template + log.method, v);
        }
        if (!v(JSON.parse(log.body)))
          errors.push(
            ...(v.errors ?? []).map((e) => `${where}: body ${e.instancePath || '(root)'} ${e.message ?? ''}`),
          );
      }
    }
    return errors;
  }
}
