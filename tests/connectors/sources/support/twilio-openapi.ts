/**
 * Validates logged Twilio requests and sandbox responses against Twilio's published OpenAPI 3.0 spec
 * (specs/twilio_api_v2010.json, vendored with its licence; see specs/README.md).
 *
 * OpenAPI 3.0 is not JSON Schema: `nullable: true` becomes a type union, `$ref`s to
 * `#/components/schemas/…` point into a registered copy of the components, and Twilio's own formats are
 * declared: `date-time-rfc-2822`, `currency`, `uri-map` (objects). Twilio's list URIs are relative
 * ("/2010-04-01/…", as in the spec's own examples), so `uri` is checked as a URI reference.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { LoggedRequest } from '../../../../local/sandbox/framework';

export const TWILIO_SPEC_PATH = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'specs',
  'twilio_api_v2010.json',
);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Obj;
}

const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** OpenAPI 3.0 schema → JSON Schema (draft-07 as ajv reads it). */
function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!isObj(node)) return node;
  const out: Obj = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'nullable' || k === 'x-twilio' || k === 'example' || k === 'examples') continue;
    if (k === '$ref' && typeof v === 'string')
      out.$ref = v.replace(/^#\/components\//, 'twilio-components#/');
    else
      out[k] =
        k === 'properties' && isObj(v)
          ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, toJsonSchema(s)]))
          : toJsonSchema(v);
  }
  // Known deviation: the spec types a usage record's `price` as a number, the live API sends a decimal
  // string ("2192.84855", the spec's own example and real responses); both are valid here.
  const priceType = isObj(out.properties) && isObj(out.properties.price) ? out.properties.price.type : null;
  if (priceType === 'number' || (Array.isArray(priceType) && priceType.includes('number'))) {
    const props = out.properties as Obj;
    out.properties = {
      ...props,
      price: { anyOf: [props.price, { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$' }] },
    };
  }
  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    if (out.$ref) return { anyOf: [{ $ref: out.$ref }, { type: 'null' }] };
  }
  return out;
}

export interface OperationCheck {
  ok: boolean;
  errors: string[];
}

export class TwilioSpec {
  private readonly ajv: Ajv;
  private readonly spec: Obj;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: Array<{ template: string; pattern: RegExp; names: string[] }>;

  constructor(specPath = TWILIO_SPEC_PATH) {
    this.spec = JSON.parse(fs.readFileSync(specPath, 'utf8')) as Obj;
    this.ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(this.ajv);
    this.ajv.addFormat(
      'date-time-rfc-2822',
      /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/,
    );
    this.ajv.addFormat('currency', /^[a-zA-Z]{3}$/);
    this.ajv.addFormat('uri-map', true);
    this.ajv.addFormat('uri', (s: string) => {
      try {
        new URL(s, 'https://api.twilio.com');
        return !/\s/.test(s);
      } catch {
        return false;
      }
    });
    const components = this.spec.components as Obj;
    this.ajv.addSchema({ $id: 'twilio-components', ...(toJsonSchema(components) as Obj) });
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

  /** Query values are text; coerce them to the parameter's declared type before validating. */
  private coerce(value: string, schema: Obj): Json {
    const type = schema.type;
    if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
    if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
    return value;
  }

  /** Check one logged exchange: path template, declared and valid parameters, 200 body against the spec. */
  check(log: Pick<LoggedRequest, 'method' | 'path' | 'query' | 'status' | 'response'>): OperationCheck {
    const errors: string[] = [];
    const match = this.templates.map((t) => ({ t, m: t.pattern.exec(log.path) })).find((x) => x.m);
    if (!match?.m) return { ok: false, errors: [`${log.path} matches no path in the Twilio spec`] };
    const { t, m } = match;
    const op = (this.spec.paths as Obj)[t.template] as Obj;
    const method = log.method.toLowerCase();
    const operation = op[method];
    if (!isObj(operation))
      return { ok: false, errors: [`${log.method} is not an operation of ${t.template}`] };
    const params = ((operation.parameters ?? []) as unknown as Parameter[]).map((p) => ({
      ...p,
      schema: (p.schema.$ref ? this.resolve(p.schema.$ref as string) : p.schema) as Obj,
    }));
    t.names.forEach((name, i) => {
      const p = params.find((x) => x.in === 'path' && x.name === name);
      if (!p) errors.push(`path parameter ${name} is not declared`);
      else {
        const v = this.validator(`${t.template} path ${name}`, p.schema);
        if (!v(decodeURIComponent(m[i + 1]))) errors.push(`path ${name}: ${this.errorsOf(v).join('; ')}`);
      }
    });
    const query = new URLSearchParams(log.query);
    for (const [name, value] of query) {
      const p = params.find((x) => x.in === 'query' && x.name === name);
      if (!p) {
        errors.push(`query parameter ${name} is not declared for ${log.method} ${t.template}`);
        continue;
      }
      const v = this.validator(`${t.template} query ${name}`, p.schema);
      if (!v(this.coerce(value, p.schema)))
        errors.push(`query ${name}=${value}: ${this.errorsOf(v).join('; ')}`);
    }
    for (const p of params)
      if (p.required && p.in === 'query' && !query.has(p.name)) errors.push(`query ${p.name} is required`);
    if (log.status === 200) {
      const schema = (((operation.responses as Obj)['200'] as Obj | undefined)?.content as Obj | undefined)?.[
        'application/json'
      ] as Obj | undefined;
      if (!schema?.schema) errors.push(`${t.template} has no 200 JSON schema`);
      else {
        const v = this.validator(`${t.template} ${method} 200`, schema.schema);
        let body: unknown;
        try {
          body = JSON.parse(log.response);
        } catch {
          errors.push('response is not JSON');
        }
        if (body !== undefined && !v(body)) errors.push(...this.errorsOf(v).map((e) => `response ${e}`));
      }
    }
    return { ok: errors.length === 0, errors };
  }

  private resolve(ref: string): Json {
    let node: Json = this.spec;
    for (const part of ref.replace(/^#\//, '').split('/')) node = isObj(node) ? node[part] : null;
    return node;
  }
}
