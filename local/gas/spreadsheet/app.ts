/** The SpreadsheetApp global. */
import type { SpreadsheetState } from '../state';
import { newSheetState, nextId } from '../state';
import { EmuObject, GAS_CLASS, unwrap, type Ctx } from '../service';
import { GasError } from '../execution';
import type { Emulates } from '../emulates';
import { EmuSpreadsheet } from './spreadsheet';
import type { EmuSheet } from './sheet';
import type { EmuRange } from './range';
import {
  BooleanCriteria,
  DataValidationCriteria,
  EmuConditionalFormatRuleBuilder,
  EmuDataValidationBuilder,
} from './rules';
import { ProtectionType } from './protection';
import { EmuUi } from './ui';
import { documentOf } from '../addon';

type SpreadsheetApp = GoogleAppsScript.Spreadsheet.SpreadsheetApp;

const names = (...keys: string[]) => Object.freeze(Object.fromEntries(keys.map((k) => [k, k])));

export class EmuSpreadsheetApp
  extends EmuObject
  implements
    Emulates<
      SpreadsheetApp,
      | 'create'
      | 'flush'
      | 'getActive'
      | 'getActiveSheet'
      | 'getActiveSpreadsheet'
      | 'getUi'
      | 'newConditionalFormatRule'
      | 'newDataValidation'
      | 'openById'
      | 'openByUrl'
      | 'setActiveSheet'
    >
{
  readonly [GAS_CLASS] = 'SpreadsheetApp';
  readonly DataValidationCriteria = DataValidationCriteria;
  readonly BooleanCriteria = BooleanCriteria;
  readonly ProtectionType = ProtectionType;
  readonly WrapStrategy = names('WRAP', 'OVERFLOW', 'CLIP');
  readonly BorderStyle = names('DOTTED', 'DASHED', 'SOLID', 'SOLID_MEDIUM', 'SOLID_THICK', 'DOUBLE');
  readonly Dimension = names('COLUMNS', 'ROWS');
  readonly SheetType = names('GRID', 'OBJECT');

  constructor(ctx: Ctx) {
    super(ctx);
  }

  getActiveSpreadsheet(): EmuSpreadsheet {
    return new EmuSpreadsheet(this._ctx, documentOf(this._ctx));
  }
  getActive(): EmuSpreadsheet {
    return this.getActiveSpreadsheet();
  }
  getActiveSheet(): EmuSheet {
    return this.getActiveSpreadsheet().getActiveSheet();
  }
  setActiveSheet(sheet: EmuSheet): EmuSheet {
    return unwrap(sheet).activate();
  }
  openById(id: string): EmuSpreadsheet {
    const ss = this._ctx.rt.state.spreadsheets.find((s) => s.id === String(id));
    if (!ss)
      throw new GasError(
        'Unexpected error while getting the method or property openById on object SpreadsheetApp.',
      );
    return new EmuSpreadsheet(this._ctx, ss.id);
  }
  openByUrl(url: string): EmuSpreadsheet {
    const m = /\/d\/([A-Za-z0-9_-]+)/.exec(String(url));
    if (!m) throw new GasError('Invalid argument: url');
    return this.openById(m[1]);
  }
  create(name: string, rows = 1000, columns = 26): EmuSpreadsheet {
    const state = this._ctx.rt.state;
    const id = `1EmuCreated${nextId(state)}${Math.random().toString(36).slice(2, 10)}`;
    const sheet = newSheetState(0, 'Sheet1', rows, columns);
    const ss: SpreadsheetState = {
      id,
      name: String(name),
      timeZone: this._ctx.rt.options.scriptTimeZone,
      locale: 'en_US',
      owner: this._ctx.exec.user,
      editors: [this._ctx.exec.user],
      sheets: [sheet],
      activeSheetId: 0,
    };
    state.spreadsheets.push(ss);
    return new EmuSpreadsheet(this._ctx, id);
  }
  flush(): void {}
  getUi(): EmuUi {
    if (this._ctx.exec.kind === 'trigger')
      throw new GasError('Cannot call SpreadsheetApp.getUi() from this context.');
    return new EmuUi(this._ctx);
  }
  newDataValidation(): EmuDataValidationBuilder {
    return new EmuDataValidationBuilder(this._ctx);
  }
  newConditionalFormatRule(): EmuConditionalFormatRuleBuilder {
    return new EmuConditionalFormatRuleBuilder(this._ctx);
  }
  /** Not a full selection model: the active range is A1 of the active sheet. */
  getActiveRange(): EmuRange {
    return this.getActiveSheet().getRange(1, 1);
  }
}
