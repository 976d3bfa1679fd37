/**
 * Validates logged Crayon requests and sandbox responses against the vendored Cloud-iQ OpenAPI 3.0 spec
 * (specs/crayon_cloudiq_openapi.json, MIT, a third-party copy of Crayon's swagger; see specs/README.md).
 *
 * The spec lists each 200 body as a bare array; Crayon's SDK and apidocs.crayon.com show the same items
 * inside `{ totalHits, items }` (a sandbox variant), so for that variant the `items` are validated against
 * the spec's array schema and `totalHits` must be a whole number. The docs' PascalCase variant is checked
 * after lower-casing each key's first letter (the spec's camelCase), so every property name and type is
 * still held to the spec.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { LoggedRequest } from '../../../../local/sandbox/framework';

export const CRAYON_SPEC_PATH = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'specs',
  'crayon_cloudiq_openapi.json',
);
const BASE = '/api/v1';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Obj;
}
const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!isObj(node)) return node;
  const out: Obj = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'nullable' || k === 'example' || k === 'deprecated') continue;
    if (k === '$ref' && typeof v === 'string')
      out.$ref = v.replace(/^#\/components\//, 'crayon-components#/');
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

function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), camelKeys(v)]),
    );
  }
  return value;
}

export interface OperationCheck {
  ok: boolean;
  errors: string[];
}

export class CrayonSpec {
  private readonly ajv: Ajv;
  private readonly spec: Obj;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: Array<{ template: string; pattern: RegExp; names: string[] }>;

  constructor(specPath = CRAYON_SPEC_PATH) {
    this.spec = JSON.parse(fs.readFileSync(specPath, 'utf8')) as Obj;
    this.ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'crayon-components', ...(toJsonSchema(this.spec.components as Obj) as Obj) });
    this.templates = Object.keys(this.spec.paths as Obj).map((template) => {
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

  private resolve(ref: string): Json {
    let node: Json = this.spec;
    for (const part of ref.replace(/^#\//, '').split('/')) node = isObj(node) ? node[part] : null;
    return node;
  }

  /** One logged exchange: path template, declared and valid parameters, auth, 200 body against the spec. */
  check(
    log: Pick<LoggedRequest, 'method' | 'path' | 'query' | 'status' | 'response' | 'headers'>,
  ): OperationCheck {
    const errors: string[] = [];
    if (!log.path.startsWith(BASE)) return { ok: false, errors: [`${log.path} is not under ${BASE}`] };
    const rel = log.path.slice(BASE.length);
    const match = this.templates.map((t) => ({ t, m: t.pattern.exec(rel) })).find((x) => x.m);
    if (!match?.m) return { ok: false, errors: [`${rel} matches no path in the Crayon spec`] };
    const { t, m } = match;
    const operation = ((this.spec.paths as Obj)[t.template] as Obj)[log.method.toLowerCase()];
    if (!isObj(operation))
      return { ok: false, errors: [`${log.method} is not an operation of ${t.template}`] };
    const auth = log.headers.authorization ?? '';
    const basic =
      Array.isArray(operation.security) && JSON.stringify(operation.security).includes('BasicAuth');
    if (basic ? !/^Basic \S+$/.test(auth) : !/^Bearer \S+$/.test(auth))
      errors.push(`${t.template} needs ${basic ? 'HTTP Basic' : 'a bearer token'}`);
    const params = ((operation.parameters ?? []) as unknown as Parameter[]).map((p) => ({
      ...p,
      schema: (p.schema.$ref ? this.resolve(p.schema.$ref as string) : p.schema) as Obj,
    }));
    t.names.forEach((name, i) => {
      const p = params.find((x) => x.in === 'path' && x.name === name);
      if (!p) errors.push(`path parameter ${name} is not declared`);
      else {
        const v = this.validator(`${t.template} path ${name}`, p.schema);
        if (!v(this.coerce(decodeURIComponent(m[i + 1]), p.schema)))
          errors.push(`path ${name}: ${this.errorsOf(v).join('; ')}`);
      }
    });
    for (const [name, value] of new URLSearchParams(log.query)) {
      const p = params.find((x) => x.in === 'query' && x.name === name);
      if (!p) {
        errors.push(`query parameter ${name} is not declared for ${log.method} ${t.template}`);
        continue;
      }
      const v = this.validator(`${t.template} query ${name}`, p.schema);
      if (!v(this.coerce(value, p.schema)))
        errors.push(`query ${name}=${value}: ${this.errorsOf(v).join('; ')}`);
    }
    if (log.status === 200) {
      const content = (
        ((operation.responses as Obj)['200'] as Obj | undefined)?.content as Obj | undefined
      )?.['application/json'] as Obj | undefined;
      if (!content?.schema) errors.push(`${t.template} has no 200 JSON schema`);
      else {
        const v = this.validator(`${t.template} ${log.method} 200`, content.schema);
        let body: unknown;
        try {
          body = camelKeys(JSON.parse(log.response));
        } catch {
          errors.push('response is not JSON');
        }
        const schema = content.schema as Obj;
        const isList = schema.type === 'array';
        if (isList && body && typeof body === 'object' && !Array.isArray(body)) {
          const env = body as { totalHits?: unknown; items?: unknown };
          if (!Number.isInteger(env.totalHits)) errors.push('response totalHits is not a whole number');
          body = env.items;
        }
        if (body !== undefined && !v(body)) errors.push(...this.errorsOf(v).map((e) => `response ${e}`));
      }
    }
    return { ok: errors.length === 0, errors };
  }
}
