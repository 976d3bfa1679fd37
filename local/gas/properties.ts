/**
 * PropertiesService with Apps Script's quotas: 9 KB per value, 500 KB per property store.
 * Sizes are counted in UTF-8 bytes of key + value, which is how the quota page describes them.
 */
import { EmuObject, GAS_CLASS, type Ctx } from './service';
import { GasError } from './execution';
import type { Emulates } from './emulates';
import { consume } from './quotas';
import { documentOf, documentProperties } from './addon';

type Properties = GoogleAppsScript.Properties.Properties;
type PropertiesService = GoogleAppsScript.Properties.PropertiesService;

export const PROPERTY_VALUE_LIMIT = 9 * 1024;
export const PROPERTY_STORE_LIMIT = 500 * 1024;

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

export class EmuProperties
  extends EmuObject
  implements
    Emulates<
      Properties,
      | 'deleteAllProperties'
      | 'deleteProperty'
      | 'getKeys'
      | 'getProperties'
      | 'getProperty'
      | 'setProperties'
      | 'setProperty'
    >
{
  readonly [GAS_CLASS] = 'PropertiesService.Properties';
  constructor(
    ctx: Ctx,
    private readonly _store: () => Record<string, string>,
  ) {
    super(ctx);
  }

  /** Every read or write counts towards the user's daily "Properties read/write" quota. */
  private _use(): void {
    const { rt, exec } = this._ctx;
    consume(rt.state, rt.options.quotaProfile, exec.user, rt.now(), 'propertiesReadWrites');
  }

  private _check(next: Record<string, string>): void {
    for (const [k, v] of Object.entries(next)) {
      if (bytes(v) > PROPERTY_VALUE_LIMIT) throw new GasError('Argument too large: value');
      if (bytes(k) > PROPERTY_VALUE_LIMIT) throw new GasError('Argument too large: key');
    }
    const total = Object.entries(next).reduce((s, [k, v]) => s + bytes(k) + bytes(v), 0);
    if (total > PROPERTY_STORE_LIMIT) {
      throw new GasError(
        'You have exceeded the property storage quota. Please remove some properties and try again.',
      );
    }
  }

  getProperty(key: string): string | null {
    this._use();
    const store = this._store();
    return Object.prototype.hasOwnProperty.call(store, String(key)) ? store[String(key)] : null;
  }
  getProperties(): Record<string, string> {
    this._use();
    return { ...this._store() };
  }
  getKeys(): string[] {
    this._use();
    return Object.keys(this._store());
  }
  setProperty(key: string, value: string): this {
    this._use();
    if (key === null || key === undefined || String(key) === '') throw new GasError('Invalid argument: key');
    const store = this._store();
    const next = { ...store, [String(key)]: String(value) };
    this._check(next);
    store[String(key)] = String(value);
    return this;
  }
  setProperties(properties: Record<string, unknown>, deleteAllOthers = false): this {
    this._use();
    const store = this._store();
    const incoming = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, String(v)]));
    const next = deleteAllOthers ? incoming : { ...store, ...incoming };
    this._check(next);
    if (deleteAllOthers) for (const k of Object.keys(store)) delete store[k];
    Object.assign(store, incoming);
    return this;
  }
  deleteProperty(key: string): this {
    this._use();
    delete this._store()[String(key)];
    return this;
  }
  deleteAllProperties(): this {
    this._use();
    const store = this._store();
    for (const k of Object.keys(store)) delete store[k];
    return this;
  }
}

export class EmuPropertiesService
  extends EmuObject
  implements
    Emulates<PropertiesService, 'getDocumentProperties' | 'getScriptProperties' | 'getUserProperties'>
{
  readonly [GAS_CLASS] = 'PropertiesService';
  getScriptProperties(): EmuProperties {
    return new EmuProperties(this._ctx, () => this._ctx.rt.state.properties.script);
  }
  getDocumentProperties(): EmuProperties {
    // The document this execution runs in: each document has its own (addon.ts).
    return new EmuProperties(this._ctx, () => documentProperties(this._ctx.rt.state, documentOf(this._ctx)));
  }
  getUserProperties(): EmuProperties {
    return new EmuProperties(this._ctx, () => {
      const all = this._ctx.rt.state.properties.user;
      all[this._ctx.exec.user] ??= {};
      return all[this._ctx.exec.user];
    });
  }
}
