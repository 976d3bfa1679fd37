/** Utilities, Session, Logger, console and MailApp. */
import crypto from 'node:crypto';
import { format as nodeFormat } from 'node:util';
import { EmuObject, GAS_CLASS, isDate, unwrap } from './service';
import { EMAIL_DAILY_MESSAGE } from './quotas';
import { GasError } from './execution';
import type { Emulates } from './emulates';
import { EmuBlob, fromByteArray, toSignedBytes, utf8 } from './blob';
import { formatDate } from './dates';
import { EmuUser } from './user';

type Utilities = GoogleAppsScript.Utilities.Utilities;
type Session = GoogleAppsScript.Base.Session;
type Logger = GoogleAppsScript.Base.Logger;
type MailApp = GoogleAppsScript.Mail.MailApp;

const names = (...keys: string[]) => Object.freeze(Object.fromEntries(keys.map((k) => [k, k])));

const DIGESTS: Record<string, string> = {
  MD5: 'md5',
  SHA_1: 'sha1',
  SHA_256: 'sha256',
  SHA_384: 'sha384',
  SHA_512: 'sha512',
};
const MACS: Record<string, string> = {
  HMAC_MD5: 'md5',
  HMAC_SHA_1: 'sha1',
  HMAC_SHA_256: 'sha256',
  HMAC_SHA_384: 'sha384',
  HMAC_SHA_512: 'sha512',
};

function bytesOf(data: unknown, charset?: string): Buffer {
  const d = unwrap(data);
  if (typeof d === 'string') return Buffer.from(d, charset === 'US_ASCII' ? 'ascii' : 'utf8');
  if (Array.isArray(d)) return Buffer.from(fromByteArray(d as number[]));
  if (d instanceof EmuBlob) return Buffer.from(d._data);
  throw new GasError("The parameters (Object) don't match the method signature for Utilities.");
}

/** Apps Script's Logger/console formatting: %s/%d substitution, objects as JSON-ish text. */
export function formatLog(args: unknown[]): string {
  if (args.length === 0) return '';
  return nodeFormat(...args.map((a) => (isDate(a) ? new Date(a.getTime()) : a)));
}

export class EmuUtilities
  extends EmuObject
  implements
    Emulates<
      Utilities,
      | 'base64Decode'
      | 'base64DecodeWebSafe'
      | 'base64Encode'
      | 'base64EncodeWebSafe'
      | 'computeDigest'
      | 'computeHmacSha256Signature'
      | 'computeHmacSignature'
      | 'formatDate'
      | 'formatString'
      | 'getUuid'
      | 'newBlob'
      | 'parseCsv'
      | 'sleep'
    >
{
  readonly [GAS_CLASS] = 'Utilities';
  readonly Charset = names('US_ASCII', 'UTF_8');
  readonly DigestAlgorithm = names('MD2', 'MD5', 'SHA_1', 'SHA_256', 'SHA_384', 'SHA_512');
  readonly MacAlgorithm = names('HMAC_MD5', 'HMAC_SHA_1', 'HMAC_SHA_256', 'HMAC_SHA_384', 'HMAC_SHA_512');
  readonly RsaAlgorithm = names('RSA_SHA_1', 'RSA_SHA_256');

  /** Advances modelled time (and real time only with the realSleep option). Apps Script caps one sleep at 300 s. */
  sleep(milliseconds: number): void {
    const ms = Number(milliseconds);
    if (!Number.isFinite(ms) || ms < 0) throw new GasError('Invalid argument: milliseconds');
    if (ms > 300_000) throw new GasError('Sleep time must be less than or equal to 300000 milliseconds.');
    this._ctx.exec.addMs(ms);
    if (this._ctx.rt.options.realSleep) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  }
  formatDate(date: GoogleAppsScript.Base.Date, timeZone: string, format: string): string {
    const d = unwrap(date);
    if (!isDate(d))
      throw new GasError(
        "The parameters (String,String,String) don't match the method signature for Utilities.formatDate.",
      );
    return formatDate(d.getTime(), String(timeZone), String(format));
  }
  formatString(template: string, ...args: unknown[]): string {
    return nodeFormat(template, ...args);
  }
  base64Encode(data: string | number[], charset?: string): string {
    return bytesOf(data, charset).toString('base64');
  }
  base64EncodeWebSafe(data: string | number[], charset?: string): string {
    return bytesOf(data, charset).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  }
  base64Decode(encoded: string, _charset?: string): number[] {
    const s = String(encoded);
    if (!/^[A-Za-z0-9+/=\s]*$/.test(s)) throw new GasError('Could not decode string.');
    return toSignedBytes(new Uint8Array(Buffer.from(s, 'base64')));
  }
  base64DecodeWebSafe(encoded: string, _charset?: string): number[] {
    return this.base64Decode(String(encoded).replace(/-/g, '+').replace(/_/g, '/'));
  }
  computeDigest(algorithm: string, value: string | number[], charset?: string): number[] {
    const alg = DIGESTS[String(algorithm)];
    if (!alg) throw new GasError(`Emulator: digest ${String(algorithm)} is not supported.`);
    return toSignedBytes(new Uint8Array(crypto.createHash(alg).update(bytesOf(value, charset)).digest()));
  }
  computeHmacSignature(
    algorithm: string,
    value: string | number[],
    key: string | number[],
    charset?: string,
  ): number[] {
    const alg = MACS[String(algorithm)];
    if (!alg) throw new GasError(`Emulator: MAC ${String(algorithm)} is not supported.`);
    const mac = crypto.createHmac(alg, bytesOf(key, charset)).update(bytesOf(value, charset)).digest();
    return toSignedBytes(new Uint8Array(mac));
  }
  computeHmacSha256Signature(value: string | number[], key: string | number[], charset?: string): number[] {
    return this.computeHmacSignature('HMAC_SHA_256', value, key, charset);
  }
  getUuid(): string {
    return crypto.randomUUID();
  }
  newBlob(data: string | number[], contentType?: string, name?: string): EmuBlob {
    const bytes = typeof data === 'string' ? utf8(data) : fromByteArray(data);
    return new EmuBlob(this._ctx, bytes, contentType ?? null, name ?? null);
  }
  /** RFC 4180-style CSV (quotes, doubled quotes, newlines inside quotes). */
  parseCsv(csv: string, delimiter = ','): string[][] {
    const rows: string[][] = [];
    let row: string[] = [];
    let field = '';
    let quoted = false;
    const s = String(csv);
    for (let i = 0; i < s.length; i++) {
      const ch = s[i];
      if (quoted) {
        if (ch === '"' && s[i + 1] === '"') {
          field += '"';
          i++;
        } else if (ch === '"') quoted = false;
        else field += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === delimiter) {
        row.push(field);
        field = '';
      } else if (ch === '\n' || ch === '\r') {
        if (ch === '\r' && s[i + 1] === '\n') i++;
        row.push(field);
        rows.push(row);
        row = [];
        field = '';
      } else field += ch;
    }
    if (field !== '' || row.length > 0) {
      row.push(field);
      rows.push(row);
    }
    return rows;
  }
}

export class EmuSession
  extends EmuObject
  implements
    Emulates<
      Session,
      | 'getActiveUser'
      | 'getActiveUserLocale'
      | 'getEffectiveUser'
      | 'getScriptTimeZone'
      | 'getTemporaryActiveUserKey'
    >
{
  readonly [GAS_CLASS] = 'Session';
  getActiveUser(): EmuUser {
    return new EmuUser(this._ctx, this._ctx.exec.user);
  }
  getEffectiveUser(): EmuUser {
    return new EmuUser(this._ctx, this._ctx.exec.user);
  }
  getActiveUserLocale(): string {
    return 'en';
  }
  getScriptTimeZone(): string {
    return this._ctx.rt.options.scriptTimeZone;
  }
  getTemporaryActiveUserKey(): string {
    return crypto
      .createHash('sha256')
      .update(`${this._ctx.rt.state.scriptId}:${this._ctx.exec.user}`)
      .digest('base64url')
      .slice(0, 43);
  }
}

export class EmuLogger extends EmuObject implements Emulates<Logger, 'clear' | 'getLog' | 'log'> {
  readonly [GAS_CLASS] = 'Logger';
  log(...args: unknown[]): this {
    const message = formatLog(args);
    this._ctx.exec.loggerLines.push(message);
    this._ctx.exec.log('Logger', message);
    return this;
  }
  getLog(): string {
    return this._ctx.exec.loggerLines.map((l) => `${l}\n`).join('');
  }
  clear(): void {
    this._ctx.exec.loggerLines = [];
  }
}

/** The bundle's `console`: captured into the execution log (Stackdriver on Google). */
export class EmuConsole extends EmuObject {
  readonly [GAS_CLASS] = 'console';
  private _timers = new Map<string, number>();
  log(...args: unknown[]): void {
    this._ctx.exec.log('log', formatLog(args));
  }
  info(...args: unknown[]): void {
    this._ctx.exec.log('info', formatLog(args));
  }
  warn(...args: unknown[]): void {
    this._ctx.exec.log('warn', formatLog(args));
  }
  error(...args: unknown[]): void {
    this._ctx.exec.log('error', formatLog(args));
  }
  time(label: string): void {
    this._timers.set(String(label), Date.now());
  }
  timeEnd(label: string): void {
    const start = this._timers.get(String(label));
    if (start !== undefined) this._ctx.exec.log('log', `${String(label)}: ${Date.now() - start}ms`);
  }
}

function recipients(m: { to?: unknown; cc?: unknown; bcc?: unknown }): number {
  return [m.to, m.cc, m.bcc].flatMap((v) => (v ? String(v).split(',') : [])).filter((a) => a.trim() !== '')
    .length;
}

export class EmuMailApp
  extends EmuObject
  implements Emulates<MailApp, 'getRemainingDailyQuota' | 'sendEmail'>
{
  readonly [GAS_CLASS] = 'MailApp';

  private _sentToday(): number {
    const dayStart = this._ctx.rt.now() - 86_400_000;
    // Per user: the quota is the sending account's.
    return this._ctx.rt.state.mail
      .filter((m) => m.at > dayStart && m.from === this._ctx.exec.user)
      .reduce((n, m) => n + recipients(m), 0);
  }
  getRemainingDailyQuota(): number {
    return Math.max(0, this._ctx.rt.options.mailQuota - this._sentToday());
  }
  sendEmail(
    a: string | GoogleAppsScript.Mail.MailAdvancedParameters,
    b?: string,
    c?: string,
    d?: string | GoogleAppsScript.Mail.MailAdvancedParameters,
  ): void {
    let o: GoogleAppsScript.Mail.MailAdvancedParameters;
    if (typeof a === 'object') o = a;
    else if (typeof d === 'string') o = { to: a, replyTo: b, subject: c, body: d };
    else o = { ...(d ?? {}), to: a, subject: b, body: c };
    if (!o.to) throw new GasError('Failed to send email: no recipient');
    // The quota counts recipients (to, cc and bcc), not messages.
    if (recipients(o) > this.getRemainingDailyQuota()) throw new GasError(EMAIL_DAILY_MESSAGE);
    this._ctx.rt.state.mail.push({
      at: this._ctx.rt.now(),
      from: this._ctx.exec.user,
      to: String(o.to),
      subject: String(o.subject ?? ''),
      body: String(o.body ?? ''),
      ...(o.htmlBody ? { htmlBody: String(o.htmlBody) } : {}),
      ...(o.cc ? { cc: String(o.cc) } : {}),
      ...(o.bcc ? { bcc: String(o.bcc) } : {}),
      ...(o.replyTo ? { replyTo: String(o.replyTo) } : {}),
      ...(o.name ? { name: String(o.name) } : {}),
    });
  }
}
