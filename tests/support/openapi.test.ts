/**
 * The one OpenAPI checker (tests/support/openapi.ts), on a made-up spec that exercises each option a
 * vendor's SpecRef can set: a valid exchange passes, and each kind of mistake is caught.
 */
import path from 'node:path';
import type { SpecRef } from '../../local/sandbox/contract';
import { OpenApiSpec, type Exchange } from './openapi';

const DIR = path.join(__dirname, 'fixtures');
const BASE: SpecRef = { file: 'mini-openapi.json', responses: true };
const make = (over: Partial<SpecRef> = {}) => new OpenApiSpec({ ...BASE, ...over }, DIR);
const thing = { id: 1, name: 'a', price: 2.5, note: null, made: '2026-10-01T00:00:00Z', code: 'X-1' };
const get = (over: Partial<Exchange> = {}): Exchange => ({
  method: 'GET',
  path: '/things',
  query: 'page=2',
  status: 200,
  response: JSON.stringify([thing]),
  headers: { authorization: 'Bearer t', 'x-tenant': 'acme' },
  ...over,
});
const errors = (spec: OpenApiSpec, x: Exchange) => spec.check(x).errors;

describe('the OpenAPI checker', () => {
  const spec = make({ formats: { 'sku-code': '^[A-Z]-\\d+$' } });

  it('accepts a valid exchange: parameters, nullable fields, formats, array query values', () => {
    expect(errors(spec, get())).toEqual([]);
    expect(errors(spec, get({ query: 'ids=1&ids=2&active=true' }))).toEqual([]);
    expect(errors(spec, get({ path: '/things/7', query: '', response: JSON.stringify(thing) }))).toEqual([]);
  });

  it('catches unknown paths and methods, undeclared or invalid parameters, a scalar sent twice', () => {
    expect(spec.check(get({ path: '/nothing' })).ok).toBe(false);
    expect(errors(spec, get({ method: 'DELETE' }))).toEqual(['DELETE is not an operation of /things']);
    expect(errors(spec, get({ query: 'limit=5' }))).toEqual([
      'query parameter limit is not declared for GET /things',
    ]);
    expect(errors(spec, get({ query: 'page=0' })).join(' ')).toContain('query page=0');
    expect(errors(spec, get({ query: 'page=1&page=2' })).join(' ')).toContain('sent 2 times');
    expect(errors(spec, get({ query: 'ids=1&ids=x' })).join(' ')).toContain('query ids=1,x');
    expect(errors(spec, get({ query: 'active=maybe' }))).toEqual(['query active=maybe: maybe is not a bool']);
    expect(errors(spec, get({ path: '/things/seven', query: '', response: '{}' })).join(' ')).toContain(
      'path id',
    );
  });

  it('reads a literal path before a templated one', () => {
    expect(errors(spec, get({ path: '/things/search', query: '', response: '["a"]' }))).toEqual([]);
  });

  it('holds answers to the schema, formats included, unless told not to', () => {
    const bad = JSON.stringify([{ ...thing, id: 'one', code: 'lower', made: 'yesterday' }]);
    expect(errors(spec, get({ response: bad }))).toEqual(
      expect.arrayContaining([
        expect.stringContaining('/0/id'),
        expect.stringContaining('/0/code'),
        expect.stringContaining('/0/made'),
      ]),
    );
    expect(errors(spec, get({ response: 'not json' }))).toEqual(['response is not JSON']);
    expect(spec.check(get({ response: bad }), { responses: false }).errors).toEqual([]);
    expect(errors(make({ responses: false }), get({ response: bad }))).toEqual([]);
    // Formats ignored where the vendor's are not JSON Schema's.
    expect(
      errors(make({ ignoreFormats: true }), get({ response: JSON.stringify([{ ...thing, made: 'x' }]) })),
    ).toEqual([]);
  });

  it('widens a documented property, accepts nulls where told, and checks bodies when asked', () => {
    const priced = (price: unknown) => get({ response: JSON.stringify([{ ...thing, price }]) });
    expect(errors(spec, priced('2.50'))).not.toEqual([]);
    expect(errors(make({ widenedStrings: { price: '^\\d+\\.\\d+$' } }), priced('2.50'))).toEqual([]);
    expect(errors(make({ widenedStrings: { price: '^\\d+\\.\\d+$' } }), priced('abc'))).not.toEqual([]);
    expect(errors(spec, priced(null))).not.toEqual([]);
    expect(errors(make({ nullableScalars: true }), priced(null))).toEqual([]);
    const post = (body: unknown): Exchange => ({
      method: 'POST',
      path: '/things',
      query: '',
      body: JSON.stringify(body),
      status: 201,
    });
    expect(errors(spec, post({ id: 'x' }))).toEqual([]);
    const bodies = make({ requestBodies: true });
    expect(errors(bodies, post(thing))).toEqual([]);
    expect(errors(bodies, post({ id: 'x' })).join(' ')).toContain('body');
  });

  it('honours a base path, case-insensitive routing and requests to skip', () => {
    const based = make({ basePath: '/api/v1' });
    expect(errors(based, get({ path: '/api/v1/things' }))).toEqual([]);
    expect(errors(based, get({ path: '/things' }))).toEqual(['/things is not under /api/v1']);
    expect(based.check(get({ path: '/api/v1/THINGS' })).ok).toBe(false);
    expect(
      errors(make({ basePath: '/api/v1', caseInsensitivePaths: true }), get({ path: '/API/V1/THINGS' })),
    ).toEqual([]);
    expect(errors(make({ skip: (r) => r.path === '/oauth' }), get({ path: '/oauth' }))).toEqual([]);
  });

  it('checks the authorization scheme, required headers, envelopes, PascalCase answers and error statuses when asked', () => {
    const auth = make({ auth: true });
    expect(errors(auth, get())).toEqual([]);
    expect(errors(auth, get({ headers: { authorization: 'Basic x' } }))).toEqual([
      '/things needs a bearer token',
    ]);
    expect(
      errors(auth, { method: 'POST', path: '/token', query: '', headers: { authorization: 'Bearer t' } }),
    ).toEqual(['/token needs HTTP Basic']);
    const headers = make({ headers: true });
    expect(errors(headers, get())).toEqual([]);
    expect(errors(headers, get({ headers: {} }))).toEqual(['header X-Tenant is required']);
    expect(errors(headers, get({ headers: { 'x-tenant': 'a' } })).join(' ')).toContain('header X-Tenant');
    const envelope = make({ listEnvelope: { total: 'totalHits', items: 'items' } });
    expect(errors(envelope, get({ response: JSON.stringify({ totalHits: 1, items: [thing] }) }))).toEqual([]);
    expect(errors(envelope, get({ response: JSON.stringify({ totalHits: '1', items: [thing] }) }))).toEqual([
      'response totalHits is not a whole number',
    ]);
    const pascal = JSON.stringify([{ Id: 1, Name: 'a' }]);
    expect(errors(spec, get({ response: pascal }))).not.toEqual([]);
    expect(errors(make({ camelCaseAnswers: true }), get({ response: pascal }))).toEqual([]);
    const statuses = make({ generalErrorStatuses: [429] });
    expect(errors(statuses, get({ status: 409 }))).toEqual([]);
    expect(errors(statuses, get({ status: 429 }))).toEqual([]);
    expect(errors(statuses, get({ status: 418 }))).toEqual([
      'status 418 is not a documented response of GET /things',
    ]);
    expect(errors(spec, get({ status: 418 }))).toEqual([]);
  });
});
