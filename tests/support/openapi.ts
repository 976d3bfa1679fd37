/**
 * Checks logged sandbox exchanges against a vendor's published OpenAPI 3.x document (specs/, vendored
 * with its licence; see specs/README.md): the path is an operation of the spec, every path and query
 * parameter is declared and valid, a JSON request body validates against the operation's request schema,
 * and a 200 JSON answer against its response schema. What differs per vendor (a base path, case-
 * insensitive routing, .NET type names, documented deviations of the live API) is data in a `SpecRef`
 * (local/sandbox/contract.ts), declared by the vendor's sandbox folder.
 *
 * OpenAPI 3.0 is not JSON Schema: `nullable: true` becomes a type union and `$ref`s to
 * `#/components/…` point into a registered copy of the components.
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

/** Parameter types some specs give as .NET names (HaloPSA's): checked by pattern. */
const DOTNET_VALUE: Record<string, RegExp> = {
  int: /^-?\d+$/,
  long: /^-?\d+$/,
  bool: /^(true|false)$/i,
  'List<int>': /^-?\d+(,-?\d+)*$/,
};

export type Exchange = Pick<LoggedRequest, 'method' | 'path' | 'query'> &
  Partial<Pick<LoggedRequest, 'body' | 'status' | 'response'>>;

interface Template {
  template: string;
  pattern: RegExp;
  names: string[];
}

export class OpenApiSpec {
  private readonly doc: Obj;
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: Template[];
  private readonly componentsId: string;

  constructor(readonly ref: SpecRef) {
    this.doc = JSON.parse(fs.readFileSync(path.join(SPECS_DIR, ref.file), 'utf8')) as Obj;
    this.componentsId = `${ref.file}-components`;
    this.ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(this.ajv);
    for (const [name, f] of Object.entries(ref.formats ?? {}))
      this.ajv.addFormat(name, f === true ? true : new RegExp(f));
    this.ajv.addSchema({ $id: this.componentsId, ...(this.toJsonSchema(this.doc.components ?? {}) as Obj) });
    const flags = ref.caseInsensitivePaths ? 'i' : '';
    const base = (ref.basePath ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    this.templates = Object.keys(this.doc.paths as Obj).map((template) => {
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
      return { template, pattern: new RegExp(`^${base}${source}$`, flags), names };
    });
  }

  /** OpenAPI 3.0 schema → JSON Schema (draft-07 as ajv reads it), with the vendor's declared quirks. */
  private toJsonSchema(node: Json): Json {
    if (Array.isArray(node)) return node.map((n) => this.toJsonSchema(n));
    if (!isObj(node)) return node;
    const out: Obj = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === 'nullable' || k === 'example' || k === 'examples' || k.startsWith('x-')) continue;
      if (k === 'format' && this.ref.ignoreFormats) continue;
      if (k === '$ref' && typeof v === 'string')
        out.$ref = v.replace(/^#\/components\//, `${this.componentsId}#/`);
      else
        out[k] =
          k === 'properties' && isObj(v)
            ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, this.toJsonSchema(s)]))
            : this.toJsonSchema(v);
    }
    // Documented deviations: the live API sends these properties as decimal strings too.
    if (isObj(out.properties)) {
      const props = out.properties;
      for (const [name, pattern] of Object.entries(this.ref.widenedStrings ?? {})) {
        if (isObj(props[name])) props[name] = { anyOf: [props[name], { type: 'string', pattern }] };
      }
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

  /** A text value (path or query) against its parameter schema: .NET names by pattern, else JSON Schema. */
  private valueErrors(key: string, value: string, schema: Obj): string[] {
    const type = typeof schema.type === 'string' ? schema.type : 'string';
    const dotnet = DOTNET_VALUE[type];
    if (dotnet) return dotnet.test(value) ? [] : [`${value} is not a ${type}`];
    let coerced: Json = value;
    if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) coerced = Number(value);
    if (type === 'boolean' && /^(true|false)$/.test(value)) coerced = value === 'true';
    const v = this.validator(key, schema);
    return v(coerced) ? [] : this.errorsOf(v);
  }

  /** Problems with one logged exchange (empty: the spec describes it and it is valid). */
  check(log: Exchange): string[] {
    if (this.ref.skip?.(log)) return [];
    const where = `${log.method} ${log.path}`;
    const method = log.method.toLowerCase();
    const paths = this.doc.paths as Obj;
    // Literal paths before templated ones (/RecurringInvoice/process, not /RecurringInvoice/{id}).
    const match = this.templates
      .map((t) => ({ t, m: t.pattern.exec(log.path) }))
      .filter((x): x is { t: Template; m: RegExpExecArray } => x.m !== null)
      .sort((a, b) => a.t.names.length - b.t.names.length)
      .find((x) => isObj((paths[x.t.template] as Obj)[method]));
    if (!match) return [`${where}: no such operation in ${this.ref.file}`];
    const { t, m } = match;
    const op = (paths[t.template] as Obj)[method] as Obj;
    const shared = ((paths[t.template] as Obj).parameters ?? []) as Json[];
    const params = [...shared, ...((op.parameters ?? []) as Json[])].map((p) => {
      const r = this.resolve(p);
      return {
        name: String(r.name),
        in: String(r.in),
        required: r.required === true,
        schema: this.resolve(r.schema),
      };
    });
    const errors: string[] = [];
    t.names.forEach((name, i) => {
      const p = params.find((x) => x.in === 'path' && x.name === name);
      if (!p) errors.push(`${where}: path parameter ${name} is not declared`);
      else
        for (const e of this.valueErrors(
          `${t.template} path ${name}`,
          decodeURIComponent(m[i + 1]),
          p.schema,
        ))
          errors.push(`${where}: path ${name}: ${e}`);
    });
    const query = new URLSearchParams(log.query);
    for (const [name, value] of query) {
      const p = params.find((x) => x.in === 'query' && x.name === name);
      if (!p) {
        errors.push(`${where}: query parameter '${name}' is not declared`);
        continue;
      }
      for (const e of this.valueErrors(`${t.template} ${method} query ${name}`, value, p.schema))
        errors.push(`${where}: query ${name}=${value}: ${e}`);
    }
    for (const p of params)
      if (p.required && p.in === 'query' && !query.has(p.name))
        errors.push(`${where}: query ${p.name} is required`);
    if (this.ref.requestBodies && log.body && method !== 'get') {
      const content = this.resolve(op.requestBody).content;
      const schema =
        isObj(content) && isObj(content['application/json']) ? content['application/json'].schema : undefined;
      if (!schema) errors.push(`${where}: the spec declares no JSON body`);
      else {
        const v = this.validator(`${t.template} ${method} body`, schema);
        let body: Json = null;
        try {
          body = JSON.parse(log.body) as Json;
        } catch {
          errors.push(`${where}: the body is not JSON`);
        }
        if (body !== null && !v(body)) errors.push(...this.errorsOf(v).map((e) => `${where}: body ${e}`));
      }
    }
    if (this.ref.responses && log.status === 200) {
      const ok = this.resolve((op.responses as Obj | undefined)?.['200']);
      const content = ok.content;
      const schema =
        isObj(content) && isObj(content['application/json']) ? content['application/json'].schema : undefined;
      if (!schema) errors.push(`${where}: the spec declares no 200 JSON answer`);
      else {
        const v = this.validator(`${t.template} ${method} 200`, schema);
        let body: Json = null;
        try {
          body = JSON.parse(log.response ?? '') as Json;
        } catch {
          errors.push(`${where}: the answer is not JSON`);
        }
        if (body !== null && !v(body)) errors.push(...this.errorsOf(v).map((e) => `${where}: answer ${e}`));
      }
    }
    return errors;
  }
}
