/**
 * Checks logged sandbox exchanges against a vendor's published OpenAPI 3.x document (specs/, vendored
 * with its licence; see specs/README.md): the path is an operation of the spec, every path, query and
 * (optionally) header parameter is declared and valid, a JSON request body validates against the
 * operation's request schema, a 200 JSON answer against its response schema, and (optionally) the
 * Authorization header matches the operation's security scheme. What differs per vendor (a base path,
 * case-insensitive routing, .NET type names, documented deviations of the live API) is data in a
 * `SpecRef` (local/sandbox/contract.ts), declared beside the vendor's sandbox. The one checker used by the
 * contract suites and by the connectors' own tests.
 *
 * OpenAPI 3.0 is not JSON Schema: `nullable: true` becomes a type union, `$ref`s to `#/components/…`
 * point into a registered copy of the components, and annotation keywords are dropped.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { SpecRef } from '../../local/sandbox/contract';
import type { LoggedRequest } from '../../local/sandbox/framework';

export type { SpecRef } from '../../local/sandbox/contract';

export const SPECS_DIR = path.resolve(__dirname, '..', '..', 'specs');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keywords that only annotate (or are OpenAPI's own): never constraints. */
const ANNOTATIONS = new Set(['nullable', 'example', 'examples', 'description', 'default', 'deprecated']);

/** Parameter types some specs give as .NET names (HaloPSA's): checked by pattern. */
const DOTNET_VALUE: Record<string, RegExp> = {
  int: /^-?\d+$/,
  long: /^-?\d+$/,
  bool: /^(true|false)$/i,
  'List<int>': /^-?\d+(,-?\d+)*$/,
};

/** One logged exchange, as much of it as is known (a hand-made request has no answer). */
export type Exchange = Pick<LoggedRequest, 'method' | 'path' | 'query'> &
  Partial<Pick<LoggedRequest, 'body' | 'status' | 'response' | 'headers'>>;

export interface OperationCheck {
  ok: boolean;
  errors: string[];
}

interface Template {
  template: string;
  pattern: RegExp;
  names: string[];
}

interface Param {
  name: string;
  in: string;
  required: boolean;
  schema: Obj;
}

function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), camelKeys(v)]),
    );
  return value;
}

export class OpenApiSpec {
  private readonly doc: Obj;
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: Template[];
  private readonly componentsId: string;
  private readonly base: string;

  constructor(
    readonly ref: SpecRef,
    dir = SPECS_DIR,
  ) {
    this.doc = JSON.parse(fs.readFileSync(path.join(dir, ref.file), 'utf8')) as Obj;
    this.componentsId = `${ref.file}-components`;
    this.base = ref.basePath ?? '';
    this.ajv = new Ajv({ allErrors: true, strict: false, validateFormats: !ref.ignoreFormats });
    addFormats(this.ajv);
    for (const [name, f] of Object.entries(ref.formats ?? {}))
      this.ajv.addFormat(name, f === true ? true : new RegExp(f));
    this.ajv.addSchema({ $id: this.componentsId, ...(this.toJsonSchema(this.doc.components ?? {}) as Obj) });
    const flags = ref.caseInsensitivePaths ? 'i' : '';
    this.templates = Object.keys(this.doc.paths as Obj)
      // Literal paths before templated ones (/orders/search, not /orders/{id}).
      .sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))
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
        return { template, pattern: new RegExp(`^${source}$`, flags), names };
      });
  }

  /** OpenAPI 3.0 schema → JSON Schema (draft-07 as ajv reads it), with the vendor's declared quirks. */
  private toJsonSchema(node: Json): Json {
    if (Array.isArray(node)) return node.map((n) => this.toJsonSchema(n));
    if (!isObj(node)) return node;
    const out: Obj = {};
    for (const [k, v] of Object.entries(node)) {
      if (ANNOTATIONS.has(k) || k.startsWith('x-')) continue;
      if (k === 'format' && this.ref.ignoreFormats) continue;
      if (k === '$ref' && typeof v === 'string')
        out.$ref = v.replace(/^#\/components\//, `${this.componentsId}#/`);
      else
        out[k] =
          k === 'properties' && isObj(v)
            ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, this.toJsonSchema(s)]))
            : this.toJsonSchema(v);
    }
    // Documented deviations: the live API also sends these properties as strings of this pattern.
    if (isObj(out.properties)) {
      const props = out.properties;
      for (const [name, pattern] of Object.entries(this.ref.widenedStrings ?? {}))
        if (isObj(props[name])) props[name] = { anyOf: [props[name], { type: 'string', pattern }] };
    }
    if (
      this.ref.nullableScalars &&
      typeof out.type === 'string' &&
      out.type !== 'object' &&
      out.type !== 'array'
    )
      out.type = [out.type, 'null'];
    if (node.nullable === true) {
      if (typeof out.type === 'string') out.type = [out.type, 'null'];
      if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
      if (out.$ref) return { anyOf: [{ $ref: out.$ref }, { type: 'null' }] };
    }
    return out;
  }

  private validator(key: string, schema: Json): ValidateFunction {
    let v = this.compiled.get(key);
    if (!v) {
      v = this.ajv.compile(this.toJsonSchema(schema) as Obj);
      this.compiled.set(key, v);
    }
    return v;
  }

  private errorsOf(v: ValidateFunction): string[] {
    return (v.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`.trim());
  }

  private resolve(node: Json | undefined): Obj {
    if (!isObj(node) || typeof node.$ref !== 'string') return isObj(node) ? node : {};
    let at: Json = this.doc;
    for (const part of node.$ref.replace(/^#\//, '').split('/')) at = isObj(at) ? at[part] : null;
    return isObj(at) ? at : {};
  }

  /** Text values (path, query, header) against their schema: .NET names by pattern, else JSON Schema. */
  private valueErrors(key: string, values: string[], schema: Obj): string[] {
    const type = typeof schema.type === 'string' ? schema.type : 'string';
    const dotnet = DOTNET_VALUE[type];
    if (dotnet) return values.every((v) => dotnet.test(v)) ? [] : [`${values.join(',')} is not a ${type}`];
    const coerce = (value: string, s: Obj): Json => {
      const t = s.type;
      if ((t === 'integer' || t === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
      if (t === 'boolean' && /^(true|false)$/.test(value)) return value === 'true';
      return value;
    };
    const items = isObj(schema.items) ? this.resolve(schema.items) : {};
    const value: Json =
      type === 'array' ? values.map((v) => coerce(v, items)) : coerce(values[values.length - 1], schema);
    const v = this.validator(key, schema);
    const out = v(value) ? [] : [this.errorsOf(v).join('; ')];
    if (type !== 'array' && values.length > 1) out.push(`sent ${values.length} times`);
    return out;
  }

  private authErrors(op: Obj, template: string, headers: Record<string, string> | undefined): string[] {
    const schemes = isObj(this.doc.components) ? this.resolve(this.doc.components.securitySchemes) : {};
    const required = ((op.security ?? this.doc.security ?? []) as Json[]).flatMap((s) =>
      isObj(s) ? Object.keys(s) : [],
    );
    if (!required.length) return [];
    const auth = headers?.authorization ?? '';
    const kinds = required.map((name) => String(this.resolve(schemes[name]).scheme ?? '').toLowerCase());
    const ok = kinds.some(
      (k) => (k === 'basic' && /^Basic \S+$/.test(auth)) || (k === 'bearer' && /^Bearer \S+$/i.test(auth)),
    );
    return ok || !kinds.some((k) => k === 'basic' || k === 'bearer')
      ? []
      : [`${template} needs ${kinds.includes('basic') ? 'HTTP Basic' : 'a bearer token'}`];
  }

  private answerErrors(op: Obj, template: string, method: string, log: Exchange): string[] {
    const ok = this.resolve((op.responses as Obj | undefined)?.['200']);
    const content = ok.content;
    const declared =
      isObj(content) && isObj(content['application/json']) ? content['application/json'] : null;
    // No answer schema in the spec: the one the connector documents for the operation, if any.
    const documented = this.ref.documentedAnswers?.[`${method.toUpperCase()} ${template}`] as
      Json | undefined;
    const media = declared?.schema ? declared : documented !== undefined ? { schema: documented } : null;
    if (!media?.schema) return [`${template} has no 200 JSON schema (spec or documented)`];
    let body: unknown;
    try {
      body = JSON.parse(log.response ?? '');
    } catch {
      return ['response is not JSON'];
    }
    const errors: string[] = [];
    if (this.ref.camelCaseAnswers) body = camelKeys(body);
    const envelope = this.ref.listEnvelope;
    const schema = this.resolve(media.schema);
    if (envelope && schema.type === 'array' && body && typeof body === 'object' && !Array.isArray(body)) {
      const env = body as Record<string, unknown>;
      if (!Number.isInteger(env[envelope.total]))
        errors.push(`response ${envelope.total} is not a whole number`);
      body = env[envelope.items];
    }
    const v = this.validator(`${template} ${method} 200`, media.schema);
    if (body !== undefined && !v(body)) errors.push(...this.errorsOf(v).map((e) => `response ${e}`));
    return errors;
  }

  /**
   * One logged exchange against the operation it names (`responses: false` skips the answer's body).
   * Error texts name the parameter or the JSON path, never the whole exchange.
   */
  check(log: Exchange, options: { responses?: boolean } = {}): OperationCheck {
    if (this.ref.skip?.(log)) return { ok: true, errors: [] };
    const flags = this.ref.caseInsensitivePaths ? 'i' : '';
    const baseRe = new RegExp(`^${this.base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, flags);
    if (!baseRe.test(log.path)) return { ok: false, errors: [`${log.path} is not under ${this.base}`] };
    const rel = log.path.replace(baseRe, '');
    const method = log.method.toLowerCase();
    const paths = this.doc.paths as Obj;
    const matches = this.templates
      .map((t) => ({ t, m: t.pattern.exec(rel) }))
      .filter((x): x is { t: Template; m: RegExpExecArray } => x.m !== null);
    if (!matches.length) return { ok: false, errors: [`${log.path} matches no path in ${this.ref.file}`] };
    const match = matches.find((x) => isObj((paths[x.t.template] as Obj)[method]));
    if (!match)
      return { ok: false, errors: [`${log.method} is not an operation of ${matches[0].t.template}`] };
    const { t, m } = match;
    const op = (paths[t.template] as Obj)[method] as Obj;
    const shared = ((paths[t.template] as Obj).parameters ?? []) as Json[];
    const params: Param[] = [...shared, ...((op.parameters ?? []) as Json[])].map((p) => {
      const r = this.resolve(p);
      return {
        name: String(r.name),
        in: String(r.in),
        required: r.required === true,
        schema: this.resolve(r.schema),
      };
    });
    const errors: string[] = [];
    if (this.ref.auth) errors.push(...this.authErrors(op, t.template, log.headers));
    t.names.forEach((name, i) => {
      const p = params.find((x) => x.in === 'path' && x.name === name);
      if (!p) errors.push(`path parameter ${name} is not declared`);
      else
        for (const e of this.valueErrors(
          `${t.template} path ${name}`,
          [decodeURIComponent(m[i + 1])],
          p.schema,
        ))
          errors.push(`path ${name}: ${e}`);
    });
    const query = new URLSearchParams(log.query);
    for (const name of new Set(query.keys())) {
      const p = params.find((x) => x.in === 'query' && x.name === name);
      if (!p) {
        errors.push(`query parameter ${name} is not declared for ${log.method} ${t.template}`);
        continue;
      }
      const values = query.getAll(name);
      for (const e of this.valueErrors(`${t.template} ${method} query ${name}`, values, p.schema))
        errors.push(`query ${name}=${values.join(',')}: ${e}`);
    }
    for (const p of params) {
      if (!p.required) continue;
      if (p.in === 'query' && !query.has(p.name)) errors.push(`query ${p.name} is required`);
      if (p.in === 'header' && this.ref.headers) {
        const value = log.headers?.[p.name.toLowerCase()];
        if (value === undefined) errors.push(`header ${p.name} is required`);
        else
          for (const e of this.valueErrors(`${t.template} ${method} header ${p.name}`, [value], p.schema))
            errors.push(`header ${p.name}: ${e}`);
      }
    }
    if (this.ref.requestBodies && log.body && method !== 'get') {
      const content = this.resolve(op.requestBody).content;
      const media = isObj(content) && isObj(content['application/json']) ? content['application/json'] : null;
      if (!media?.schema) errors.push(`${log.method} ${t.template} declares no JSON body`);
      else {
        let body: Json | undefined;
        try {
          body = JSON.parse(log.body) as Json;
        } catch {
          errors.push('body is not JSON');
        }
        const v = this.validator(`${t.template} ${method} body`, media.schema);
        if (body !== undefined && !v(body)) errors.push(...this.errorsOf(v).map((e) => `body ${e}`));
      }
    }
    if (log.status === 200) {
      if (this.ref.responses && options.responses !== false)
        errors.push(...this.answerErrors(op, t.template, method, log));
    } else if (
      log.status !== undefined &&
      this.ref.generalErrorStatuses &&
      !(String(log.status) in ((op.responses ?? {}) as Obj)) &&
      !this.ref.generalErrorStatuses.includes(log.status)
    ) {
      errors.push(`status ${log.status} is not a documented response of ${log.method} ${t.template}`);
    }
    return { ok: errors.length === 0, errors };
  }
}
