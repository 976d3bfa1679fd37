/**
 * Validates logged Ingram Micro requests and sandbox responses against Ingram's own OpenAPI 3.0 spec
 * (specs/ingram_xvantage_resellers.json, vendored with its MIT licence; see specs/README.md): the path
 * template, every query and header parameter the operation declares (required ones present, values
 * within their schema, nothing undeclared in the query) and the 200 body against the response schema.
 *
 * OpenAPI 3.0 is not JSON Schema: `nullable: true` becomes a type union and `$ref`s into
 * `#/components/…` point at a registered copy of the components. Ingram's formats (`decimal`, `int32`,
 * `double`) carry no constraint beyond the declared type.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import type { LoggedRequest } from '../../../../../local/sandbox/framework';

export const INGRAM_SPEC_PATH = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  '..',
  'specs',
  'ingram_xvantage_resellers.json',
);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean | null;
  schema: Obj;
}

const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const SKIP = new Set(['nullable', 'example', 'examples', 'description', 'default', 'x-tags']);

/** OpenAPI 3.0 schema → JSON Schema (draft-07 as ajv reads it). */
function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!isObj(node)) return node;
  const out: Obj = {};
  for (const [k, v] of Object.entries(node)) {
    if (SKIP.has(k)) continue;
    if (k === '$ref' && typeof v === 'string')
      out.$ref = v.replace(/^#\/components\//, 'ingram-components#/');
    else
      out[k] =
        k === 'properties' && isObj(v)
          ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, toJsonSchema(s)]))
          : toJsonSchema(v);
  }
  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (out.$ref) return { anyOf: [{ $ref: out.$ref }, { type: 'null' }] };
  }
  return out;
}

export interface OperationCheck {
  ok: boolean;
  errors: string[];
}

export class IngramSpec {
  private readonly ajv: Ajv;
  private readonly spec: Obj;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: Array<{ template: string; pattern: RegExp; names: string[] }>;

  constructor(specPath = INGRAM_SPEC_PATH) {
    this.spec = JSON.parse(fs.readFileSync(specPath, 'utf8')) as Obj;
    this.ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    this.ajv.addSchema({ $id: 'ingram-components', ...(toJsonSchema(this.spec.components as Obj) as Obj) });
    // Literal paths first, so /orders/search is not read as /orders/{ordernumber}.
    this.templates = Object.keys(this.spec.paths as Obj)
      .sort((a, b) => Number(a.includes('{')) - Number(b.includes('{')))
      .map((template) => {
        const names: string[] = [];
        const source = template
          .split(/(\{[^}]+\})/)
          .map((part) => {
            const m = /^\{([^}]+)\}$/.exec(part);
            if (m) {
              names.push(m[1]);
              return '([^/]+)';
            }
            return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          })
          .join('');
        return { template, pattern: new RegExp(`^${source}$`), names };
      });
  }

  private validator(key: string, schema: Json): ValidateFunction {
    let v = this.compiled.get(key);
    if (!v) {
      v = this.ajv.compile(toJsonSchema(schema) as Obj);
      this.compiled.set(key, v);
    }
    return v;
  }

  private errorsOf(v: ValidateFunction): string[] {
    return (v.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`.trim());
  }

  private coerce(value: string, schema: Obj): Json {
    const type = schema.type;
    if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
    if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
    return value;
  }

  /** Check one logged exchange against the operation it names. */
  check(
    log: Pick<LoggedRequest, 'method' | 'path' | 'query' | 'status' | 'response' | 'headers'>,
    options: { bodies?: boolean } = {},
  ): OperationCheck {
    const errors: string[] = [];
    const match = this.templates.map((t) => ({ t, m: t.pattern.exec(log.path) })).find((x) => x.m);
    if (!match?.m) return { ok: false, errors: [`${log.path} matches no path in the Ingram spec`] };
    const { t, m } = match;
    const method = log.method.toLowerCase();
    const operation = ((this.spec.paths as Obj)[t.template] as Obj)[method];
    if (!isObj(operation))
      return { ok: false, errors: [`${log.method} is not an operation of ${t.template}`] };
    const params = (operation.parameters ?? []) as unknown as Parameter[];
    t.names.forEach((name, i) => {
      const p = params.find((x) => x.in === 'path' && x.name === name);
      if (!p) errors.push(`path parameter ${name} is not declared`);
      else {
        const v = this.validator(`${t.template} path ${name}`, p.schema);
        if (!v(decodeURIComponent(m[i + 1]))) errors.push(`path ${name}: ${this.errorsOf(v).join('; ')}`);
      }
    });
    const query = new URLSearchParams(log.query);
    const seen = new Set<string>();
    for (const name of query.keys()) {
      if (seen.has(name)) continue;
      seen.add(name);
      const p = params.find((x) => x.in === 'query' && x.name === name);
      if (!p) {
        errors.push(`query parameter ${name} is not declared for ${log.method} ${t.template}`);
        continue;
      }
      const values = query.getAll(name);
      const v = this.validator(`${t.template} query ${name}`, p.schema);
      const value: Json =
        p.schema.type === 'array' ? values : this.coerce(values[values.length - 1], p.schema);
      if (p.schema.type !== 'array' && values.length > 1)
        errors.push(`query ${name} is sent ${values.length} times`);
      if (!v(value)) errors.push(`query ${name}=${values.join(',')}: ${this.errorsOf(v).join('; ')}`);
    }
    for (const p of params) {
      if (p.required !== true) continue;
      if (p.in === 'query' && !query.has(p.name)) errors.push(`query ${p.name} is required`);
      if (p.in === 'header') {
        const value = log.headers[p.name.toLowerCase()];
        if (value === undefined) errors.push(`header ${p.name} is required`);
        else {
          const v = this.validator(`${t.template} header ${p.name}`, p.schema);
          if (!v(value)) errors.push(`header ${p.name}: ${this.errorsOf(v).join('; ')}`);
        }
      }
    }
    if (log.status === 200 && options.bodies !== false) {
      const content = (
        ((operation.responses as Obj)['200'] as Obj | undefined)?.content as Obj | undefined
      )?.['application/json'] as Obj | undefined;
      if (!content?.schema) errors.push(`${t.template} has no 200 JSON schema`);
      else {
        const v = this.validator(`${t.template} ${method} 200`, content.schema);
        let body: unknown;
        try {
          body = JSON.parse(log.response);
        } catch {
          errors.push('response is not JSON');
        }
        if (body !== undefined && !v(body)) errors.push(...this.errorsOf(v).map((e) => `response ${e}`));
      }
    } else if (
      !(String(log.status) in (operation.responses as Obj)) &&
      ![400, 401, 404, 429].includes(log.status)
    ) {
      errors.push(`status ${log.status} is not a documented response of ${log.method} ${t.template}`);
    }
    return { ok: errors.length === 0, errors };
  }
}
