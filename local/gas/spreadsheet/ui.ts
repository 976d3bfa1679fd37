/**
 * SpreadsheetApp.getUi(): menus, sidebar, dialogs and alerts are recorded in state.ui for tests and
 * the workbench. Alerts/prompts answer from state.ui.alertAnswers / promptAnswers (front first), or
 * with the first button of their set (OK / YES) when nothing was queued.
 */
import type { MenuData } from '../state';
import { EmuObject, GAS_CLASS, unwrap, type Ctx } from '../service';
import { GasError } from '../execution';
import type { Emulates } from '../emulates';
import { EmuHtmlOutput } from '../html';

type Ui = GoogleAppsScript.Base.Ui;
type Menu = GoogleAppsScript.Base.Menu;
type PromptResponse = GoogleAppsScript.Base.PromptResponse;

export const Button = Object.freeze({ CLOSE: 'CLOSE', OK: 'OK', CANCEL: 'CANCEL', YES: 'YES', NO: 'NO' });
export const ButtonSet = Object.freeze({
  OK: 'OK',
  OK_CANCEL: 'OK_CANCEL',
  YES_NO: 'YES_NO',
  YES_NO_CANCEL: 'YES_NO_CANCEL',
});

const BUTTONS: Record<string, string[]> = {
  OK: ['OK'],
  OK_CANCEL: ['OK', 'CANCEL'],
  YES_NO: ['YES', 'NO'],
  YES_NO_CANCEL: ['YES', 'NO', 'CANCEL'],
};

export class EmuMenu
  extends EmuObject
  implements Emulates<Menu, 'addItem' | 'addSeparator' | 'addSubMenu' | 'addToUi'>
{
  readonly [GAS_CLASS] = 'SpreadsheetApp.Menu';
  constructor(
    ctx: Ctx,
    readonly _data: MenuData,
  ) {
    super(ctx);
  }
  addItem(caption: string, functionName: string): this {
    this._data.items.push({ kind: 'item', caption: String(caption), functionName: String(functionName) });
    return this;
  }
  addSeparator(): this {
    this._data.items.push({ kind: 'separator' });
    return this;
  }
  addSubMenu(menu: EmuMenu): this {
    this._data.items.push({ kind: 'submenu', menu: structuredClone(unwrap(menu)._data) });
    return this;
  }
  addToUi(): void {
    const ui = this._ctx.rt.state.ui;
    ui.menus = ui.menus.filter((m) => !(m.caption === this._data.caption && m.addon === this._data.addon));
    ui.menus.push(structuredClone(this._data));
  }
}

export class EmuPromptResponse
  extends EmuObject
  implements Emulates<PromptResponse, 'getResponseText' | 'getSelectedButton'>
{
  readonly [GAS_CLASS] = 'SpreadsheetApp.PromptResponse';
  constructor(
    ctx: Ctx,
    private readonly _button: string,
    private readonly _text: string,
  ) {
    super(ctx);
  }
  getResponseText(): string {
    return this._text;
  }
  getSelectedButton(): string {
    return this._button;
  }
}

export class EmuUi
  extends EmuObject
  implements
    Emulates<
      Ui,
      | 'alert'
      | 'createAddonMenu'
      | 'createMenu'
      | 'prompt'
      | 'showModalDialog'
      | 'showModelessDialog'
      | 'showSidebar'
    >
{
  readonly [GAS_CLASS] = 'SpreadsheetApp.Ui';
  readonly Button = Button;
  readonly ButtonSet = ButtonSet;

  createMenu(caption: string): EmuMenu {
    return new EmuMenu(this._ctx, { caption: String(caption), addon: false, items: [] });
  }
  createAddonMenu(): EmuMenu {
    return new EmuMenu(this._ctx, { caption: 'Add-on', addon: true, items: [] });
  }

  alert(a: string, b?: string, c?: string): string {
    const [title, prompt, buttons] =
      c !== undefined ? [a, String(b), c] : b !== undefined ? ['', a, b] : ['', a, 'OK'];
    const set = BUTTONS[String(buttons)];
    if (!set)
      throw new GasError("The parameters (String,String) don't match the method signature for Ui.alert.");
    const ui = this._ctx.rt.state.ui;
    const queued = ui.alertAnswers.shift();
    const answer = queued && (set.includes(queued) || queued === 'CLOSE') ? queued : set[0];
    ui.alerts.push({
      at: this._ctx.rt.now(),
      title: String(title),
      prompt: String(prompt),
      buttons: String(buttons),
      answer,
    });
    return answer;
  }

  prompt(a: string, b?: string, c?: string): EmuPromptResponse {
    const [title, prompt, buttons] =
      c !== undefined ? [a, String(b), c] : b !== undefined ? ['', a, b] : ['', a, 'OK'];
    const ui = this._ctx.rt.state.ui;
    const queued = ui.promptAnswers.shift() ?? { button: BUTTONS[String(buttons)]?.[0] ?? 'OK', text: '' };
    ui.alerts.push({
      at: this._ctx.rt.now(),
      title: String(title),
      prompt: String(prompt),
      buttons: String(buttons),
      answer: queued.button,
    });
    return new EmuPromptResponse(this._ctx, queued.button, queued.text);
  }

  showSidebar(output: EmuHtmlOutput): void {
    const o = unwrap(output);
    if (!(o instanceof EmuHtmlOutput))
      throw new GasError("The parameters (String) don't match the method signature for Ui.showSidebar.");
    this._ctx.rt.state.ui.sidebar = {
      title: o.getTitle(),
      html: o.getContent(),
      width: o.getWidth(),
      at: this._ctx.rt.now(),
    };
  }

  private _dialog(output: EmuHtmlOutput, title: string, modal: boolean): void {
    const o = unwrap(output);
    this._ctx.rt.state.ui.dialogs.push({
      title: String(title),
      html: o.getContent(),
      width: o.getWidth(),
      height: o.getHeight(),
      modal,
      at: this._ctx.rt.now(),
    });
  }
  showModalDialog(output: EmuHtmlOutput, title: string): void {
    this._dialog(output, title, true);
  }
  showModelessDialog(output: EmuHtmlOutput, title: string): void {
    this._dialog(output, title, false);
  }
}
