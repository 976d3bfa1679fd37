/** HtmlService: outputs and minimal templates; files are read from the bundle folder (dist/<name>.html). */
import fs from 'node:fs';
import path from 'node:path';
import { EmuObject, GAS_CLASS, GAS_OPEN_PROPS, type Ctx } from './service';
import { GasError } from './execution';
import type { Emulates } from './emulates';

type HtmlOutput = GoogleAppsScript.HTML.HtmlOutput;
type HtmlService = GoogleAppsScript.HTML.HtmlService;

export const SandboxMode = Object.freeze({ EMULATED: 'EMULATED', IFRAME: 'IFRAME', NATIVE: 'NATIVE' });
export const XFrameOptionsMode = Object.freeze({ ALLOWALL: 'ALLOWALL', DEFAULT: 'DEFAULT' });

export class EmuHtmlOutput
  extends EmuObject
  implements
    Emulates<
      HtmlOutput,
      | 'append'
      | 'clear'
      | 'getContent'
      | 'getHeight'
      | 'getTitle'
      | 'getWidth'
      | 'setContent'
      | 'setHeight'
      | 'setSandboxMode'
      | 'setTitle'
      | 'setWidth'
      | 'setXFrameOptionsMode'
      | 'addMetaTag'
    >
{
  readonly [GAS_CLASS] = 'HtmlService.HtmlOutput';
  _title = '';
  _width = 300;
  _height = 500;
  constructor(
    ctx: Ctx,
    public _content: string,
  ) {
    super(ctx);
  }
  append(added: string): this {
    this._content += String(added);
    return this;
  }
  clear(): this {
    this._content = '';
    return this;
  }
  getContent(): string {
    return this._content;
  }
  setContent(content: string): this {
    this._content = String(content);
    return this;
  }
  getTitle(): string {
    return this._title;
  }
  setTitle(title: string): this {
    this._title = String(title);
    return this;
  }
  getWidth(): number {
    return this._width;
  }
  setWidth(width: number): this {
    this._width = width;
    return this;
  }
  getHeight(): number {
    return this._height;
  }
  setHeight(height: number): this {
    this._height = height;
    return this;
  }
  setSandboxMode(_mode: string): this {
    return this;
  }
  setXFrameOptionsMode(_mode: string): this {
    return this;
  }
  addMetaTag(_name: string, _content: string): this {
    return this;
  }
}

/** HtmlTemplate: `<?= expr ?>` (escaped) and `<?!= expr ?>` (raw) where expr is a template property path. */
export class EmuHtmlTemplate
  extends EmuObject
  implements Emulates<GoogleAppsScript.HTML.HtmlTemplate, 'evaluate' | 'getRawContent'>
{
  readonly [GAS_CLASS] = 'HtmlService.HtmlTemplate';
  readonly [GAS_OPEN_PROPS] = true;
  constructor(
    ctx: Ctx,
    private readonly _raw: string,
  ) {
    super(ctx);
  }
  getRawContent(): string {
    return this._raw;
  }
  evaluate(): EmuHtmlOutput {
    const vars = this as unknown as Record<string, unknown>;
    const lookup = (expr: string): unknown =>
      expr
        .trim()
        .split('.')
        .reduce<unknown>(
          (o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
          vars,
        );
    const escape = (s: string) =>
      s.replace(
        /[&<>"']/g,
        (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
      );
    const html = this._raw.replace(/<\?(!?=)([\s\S]*?)\?>/g, (_m, kind: string, expr: string) => {
      const v = lookup(expr);
      const text = v === undefined || v === null ? '' : String(v);
      return kind === '!=' ? text : escape(text);
    });
    return new EmuHtmlOutput(this._ctx, html);
  }
}

export class EmuHtmlService
  extends EmuObject
  implements
    Emulates<
      HtmlService,
      'createHtmlOutput' | 'createHtmlOutputFromFile' | 'createTemplate' | 'createTemplateFromFile'
    >
{
  readonly [GAS_CLASS] = 'HtmlService';
  readonly SandboxMode = SandboxMode;
  readonly XFrameOptionsMode = XFrameOptionsMode;

  private _read(filename: string): string {
    const dir = this._ctx.rt.options.bundleDir;
    const name = String(filename).replace(/\.html$/, '');
    const file = dir ? path.join(dir, `${name}.html`) : null;
    if (!file || !fs.existsSync(file)) throw new GasError(`No HTML file named ${name} was found.`);
    return fs.readFileSync(file, 'utf8');
  }
  createHtmlOutput(html?: string | { getBlob(): { getDataAsString(): string } }): EmuHtmlOutput {
    if (html === undefined) return new EmuHtmlOutput(this._ctx, '');
    if (typeof html === 'string') return new EmuHtmlOutput(this._ctx, html);
    return new EmuHtmlOutput(this._ctx, html.getBlob().getDataAsString());
  }
  createHtmlOutputFromFile(filename: string): EmuHtmlOutput {
    return new EmuHtmlOutput(this._ctx, this._read(filename));
  }
  createTemplate(html: string): EmuHtmlTemplate {
    return new EmuHtmlTemplate(this._ctx, String(html));
  }
  createTemplateFromFile(filename: string): EmuHtmlTemplate {
    return new EmuHtmlTemplate(this._ctx, this._read(filename));
  }
  getUserAgent(): string {
    return 'Mozilla/5.0 (BillGrid emulator)';
  }
}
