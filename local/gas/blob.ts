/** Base.Blob and Apps Script's signed byte arrays (Byte[] values are -128..127). */
import { EmuObject, GAS_CLASS, type Ctx } from './service';
import type { Emulates } from './emulates';

type Blob = GoogleAppsScript.Base.Blob;

export function toSignedBytes(data: Uint8Array): number[] {
  const out = new Array<number>(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] > 127 ? data[i] - 256 : data[i];
  return out;
}

export function fromByteArray(bytes: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] & 0xff;
  return out;
}

export function utf8(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'utf8'));
}

export function decodeText(data: Uint8Array, charset = 'utf-8'): string {
  const cs = charset.toLowerCase().replace('_', '-');
  const enc: BufferEncoding =
    cs === 'us-ascii' || cs === 'ascii'
      ? 'ascii'
      : cs === 'iso-8859-1' || cs === 'latin1'
        ? 'latin1'
        : 'utf8';
  return Buffer.from(data).toString(enc);
}

export class EmuBlob
  extends EmuObject
  implements
    Emulates<
      Blob,
      | 'copyBlob'
      | 'getAs'
      | 'getBlob'
      | 'getBytes'
      | 'getContentType'
      | 'getDataAsString'
      | 'getName'
      | 'isGoogleType'
      | 'setBytes'
      | 'setContentType'
      | 'setDataFromString'
      | 'setName'
    >
{
  readonly [GAS_CLASS] = 'Utilities.Blob';
  constructor(
    ctx: Ctx,
    public _data: Uint8Array,
    private _type: string | null = null,
    private _name: string | null = null,
  ) {
    super(ctx);
  }
  copyBlob(): EmuBlob {
    return new EmuBlob(this._ctx, this._data.slice(), this._type, this._name);
  }
  getAs(contentType: string): EmuBlob {
    return new EmuBlob(this._ctx, this._data.slice(), String(contentType), this._name);
  }
  getBlob(): EmuBlob {
    return this;
  }
  getBytes(): number[] {
    return toSignedBytes(this._data);
  }
  getContentType(): string | null {
    return this._type;
  }
  getDataAsString(charset?: string): string {
    return decodeText(this._data, charset);
  }
  getName(): string | null {
    return this._name;
  }
  isGoogleType(): boolean {
    return false;
  }
  setBytes(data: number[]): this {
    this._data = fromByteArray(data);
    return this;
  }
  setContentType(contentType: string | null): this {
    this._type = contentType;
    return this;
  }
  setDataFromString(s: string): this {
    this._data = utf8(String(s));
    return this;
  }
  setName(name: string): this {
    this._name = String(name);
    return this;
  }
}
