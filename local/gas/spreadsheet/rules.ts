/**
 * Data validation and conditional-format rules. Both are stored in the state as plain data
 * (DataValidationData / ConditionalFormatRuleData); ranges inside them as grid coordinates.
 */
import type { ConditionalFormatRuleData, DataValidationData, GridRangeData } from '../state';
import { EmuObject, GAS_CLASS, isDate, unwrap, type Ctx } from '../service';
import { GasError } from '../execution';
import type { Emulates } from '../emulates';
import { EmuRange } from './range';

type DV = GoogleAppsScript.Spreadsheet.DataValidation;
type DVB = GoogleAppsScript.Spreadsheet.DataValidationBuilder;
type CFR = GoogleAppsScript.Spreadsheet.ConditionalFormatRule;
type CFRB = GoogleAppsScript.Spreadsheet.ConditionalFormatRuleBuilder;
type BC = GoogleAppsScript.Spreadsheet.BooleanCondition;

export const DataValidationCriteria = Object.freeze(
  Object.fromEntries(
    [
      'DATE_AFTER',
      'DATE_BEFORE',
      'DATE_BETWEEN',
      'DATE_EQUAL_TO',
      'DATE_IS_VALID_DATE',
      'DATE_NOT_BETWEEN',
      'DATE_ON_OR_AFTER',
      'DATE_ON_OR_BEFORE',
      'NUMBER_BETWEEN',
      'NUMBER_EQUAL_TO',
      'NUMBER_GREATER_THAN',
      'NUMBER_GREATER_THAN_OR_EQUAL_TO',
      'NUMBER_LESS_THAN',
      'NUMBER_LESS_THAN_OR_EQUAL_TO',
      'NUMBER_NOT_BETWEEN',
      'NUMBER_NOT_EQUAL_TO',
      'TEXT_CONTAINS',
      'TEXT_DOES_NOT_CONTAIN',
      'TEXT_EQUAL_TO',
      'TEXT_IS_VALID_EMAIL',
      'TEXT_IS_VALID_URL',
      'VALUE_IN_LIST',
      'VALUE_IN_RANGE',
      'CUSTOM_FORMULA',
      'CHECKBOX',
    ].map((k) => [k, k]),
  ),
) as Readonly<Record<string, string>>;

export const BooleanCriteria = Object.freeze(
  Object.fromEntries(
    [
      'CELL_EMPTY',
      'CELL_NOT_EMPTY',
      'DATE_AFTER',
      'DATE_BEFORE',
      'DATE_EQUAL_TO',
      'NUMBER_BETWEEN',
      'NUMBER_EQUAL_TO',
      'NUMBER_GREATER_THAN',
      'NUMBER_GREATER_THAN_OR_EQUAL_TO',
      'NUMBER_LESS_THAN',
      'NUMBER_LESS_THAN_OR_EQUAL_TO',
      'NUMBER_NOT_BETWEEN',
      'NUMBER_NOT_EQUAL_TO',
      'TEXT_CONTAINS',
      'TEXT_DOES_NOT_CONTAIN',
      'TEXT_EQUAL_TO',
      'TEXT_STARTS_WITH',
      'TEXT_ENDS_WITH',
      'CUSTOM_FORMULA',
    ].map((k) => [k, k]),
  ),
) as Readonly<Record<string, string>>;

/** Criteria values as stored: ranges become { $range }, dates { $date }. */
export function storeCriteriaValue(v: unknown): unknown {
  const u = unwrap(v);
  if (u instanceof EmuRange) return { $range: u._grid() };
  if (isDate(u)) return { $date: u.getTime() };
  if (Array.isArray(u)) return u.map(storeCriteriaValue);
  return u;
}

export function loadCriteriaValue(ctx: Ctx, v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => loadCriteriaValue(ctx, x));
  if (typeof v === 'object' && v !== null) {
    if ('$range' in v) return EmuRange._fromGrid(ctx, (v as { $range: GridRangeData }).$range);
    if ('$date' in v) return new Date((v as { $date: number }).$date);
  }
  return v;
}

export class EmuDataValidation extends EmuObject implements Emulates<DV, keyof DV> {
  readonly [GAS_CLASS] = 'SpreadsheetApp.DataValidation';
  constructor(
    ctx: Ctx,
    readonly _data: DataValidationData,
  ) {
    super(ctx);
  }
  copy(): EmuDataValidationBuilder {
    return new EmuDataValidationBuilder(this._ctx, structuredClone(this._data));
  }
  getAllowInvalid(): boolean {
    return this._data.allowInvalid;
  }
  getCriteriaType(): string {
    return this._data.criteria;
  }
  getCriteriaValues(): unknown[] {
    return loadCriteriaValue(this._ctx, this._data.values) as unknown[];
  }
  getHelpText(): string {
    return this._data.helpText ?? '';
  }
}

export class EmuDataValidationBuilder
  extends EmuObject
  implements
    Emulates<
      DVB,
      | 'build'
      | 'copy'
      | 'getAllowInvalid'
      | 'getCriteriaType'
      | 'getCriteriaValues'
      | 'getHelpText'
      | 'requireCheckbox'
      | 'requireValueInList'
      | 'requireValueInRange'
      | 'requireNumberBetween'
      | 'requireNumberGreaterThanOrEqualTo'
      | 'requireTextIsEmail'
      | 'requireFormulaSatisfied'
      | 'requireDate'
      | 'setAllowInvalid'
      | 'setHelpText'
      | 'withCriteria'
    >
{
  readonly [GAS_CLASS] = 'SpreadsheetApp.DataValidationBuilder';
  constructor(
    ctx: Ctx,
    private _data: DataValidationData = { criteria: '', values: [], allowInvalid: true, helpText: null },
  ) {
    super(ctx);
  }
  private _set(criteria: string, values: unknown[]): this {
    this._data = { ...this._data, criteria, values: values.map(storeCriteriaValue) };
    return this;
  }
  build(): EmuDataValidation {
    if (!this._data.criteria)
      throw new GasError('You must specify a criteria type before building a data validation rule.');
    return new EmuDataValidation(this._ctx, structuredClone(this._data));
  }
  copy(): EmuDataValidationBuilder {
    return new EmuDataValidationBuilder(this._ctx, structuredClone(this._data));
  }
  getAllowInvalid(): boolean {
    return this._data.allowInvalid;
  }
  getCriteriaType(): string {
    return this._data.criteria;
  }
  getCriteriaValues(): unknown[] {
    return loadCriteriaValue(this._ctx, this._data.values) as unknown[];
  }
  getHelpText(): string | null {
    return this._data.helpText;
  }
  requireCheckbox(checkedValue?: unknown, uncheckedValue?: unknown): this {
    const values =
      checkedValue === undefined
        ? []
        : uncheckedValue === undefined
          ? [checkedValue]
          : [checkedValue, uncheckedValue];
    return this._set('CHECKBOX', values);
  }
  requireValueInList(values: string[], showDropdown = true): this {
    if (!Array.isArray(values))
      throw new GasError(
        "The parameters (String) don't match the method signature for SpreadsheetApp.DataValidationBuilder.requireValueInList.",
      );
    return this._set('VALUE_IN_LIST', [values.map(String), showDropdown]);
  }
  requireValueInRange(range: EmuRange, showDropdown = true): this {
    return this._set('VALUE_IN_RANGE', [range, showDropdown]);
  }
  requireNumberBetween(start: number, end: number): this {
    return this._set('NUMBER_BETWEEN', [start, end]);
  }
  requireNumberGreaterThanOrEqualTo(n: number): this {
    return this._set('NUMBER_GREATER_THAN_OR_EQUAL_TO', [n]);
  }
  requireTextIsEmail(): this {
    return this._set('TEXT_IS_VALID_EMAIL', []);
  }
  requireFormulaSatisfied(formula: string): this {
    return this._set('CUSTOM_FORMULA', [formula]);
  }
  requireDate(): this {
    return this._set('DATE_IS_VALID_DATE', []);
  }
  setAllowInvalid(allow: boolean): this {
    this._data = { ...this._data, allowInvalid: Boolean(allow) };
    return this;
  }
  setHelpText(text: string): this {
    this._data = { ...this._data, helpText: String(text) };
    return this;
  }
  withCriteria(criteria: string, args: unknown[]): this {
    return this._set(String(criteria), args);
  }
}

export class EmuBooleanCondition extends EmuObject implements Emulates<BC, keyof BC> {
  readonly [GAS_CLASS] = 'SpreadsheetApp.BooleanCondition';
  constructor(
    ctx: Ctx,
    private readonly _d: ConditionalFormatRuleData,
  ) {
    super(ctx);
  }
  getBackground(): string | null {
    return this._d.background;
  }
  getBold(): boolean | null {
    return this._d.bold;
  }
  getCriteriaType(): string {
    return this._d.criteria ?? '';
  }
  getCriteriaValues(): unknown[] {
    return loadCriteriaValue(this._ctx, this._d.values) as unknown[];
  }
  getFontColor(): string | null {
    return this._d.fontColor;
  }
  getItalic(): boolean | null {
    return this._d.italic;
  }
  getStrikethrough(): boolean | null {
    return null;
  }
  getUnderline(): boolean | null {
    return null;
  }
}

const emptyRule = (): ConditionalFormatRuleData => ({
  ranges: [],
  criteria: null,
  values: [],
  background: null,
  fontColor: null,
  bold: null,
  italic: null,
});

export class EmuConditionalFormatRule
  extends EmuObject
  implements Emulates<CFR, 'copy' | 'getBooleanCondition' | 'getRanges'>
{
  readonly [GAS_CLASS] = 'SpreadsheetApp.ConditionalFormatRule';
  constructor(
    ctx: Ctx,
    readonly _data: ConditionalFormatRuleData,
  ) {
    super(ctx);
  }
  copy(): EmuConditionalFormatRuleBuilder {
    return new EmuConditionalFormatRuleBuilder(this._ctx, structuredClone(this._data));
  }
  getBooleanCondition(): EmuBooleanCondition | null {
    return this._data.criteria ? new EmuBooleanCondition(this._ctx, this._data) : null;
  }
  getGradientCondition(): null {
    return null;
  }
  getRanges(): EmuRange[] {
    return this._data.ranges.map((g) => EmuRange._fromGrid(this._ctx, g));
  }
}

export class EmuConditionalFormatRuleBuilder
  extends EmuObject
  implements
    Emulates<
      CFRB,
      | 'build'
      | 'copy'
      | 'getBooleanCondition'
      | 'getRanges'
      | 'setBackground'
      | 'setBold'
      | 'setFontColor'
      | 'setItalic'
      | 'setRanges'
      | 'whenCellEmpty'
      | 'whenCellNotEmpty'
      | 'whenFormulaSatisfied'
      | 'whenNumberEqualTo'
      | 'whenNumberNotEqualTo'
      | 'whenNumberGreaterThan'
      | 'whenNumberLessThan'
      | 'whenTextContains'
      | 'whenTextEqualTo'
      | 'whenTextStartsWith'
      | 'withCriteria'
    >
{
  readonly [GAS_CLASS] = 'SpreadsheetApp.ConditionalFormatRuleBuilder';
  constructor(
    ctx: Ctx,
    private _data: ConditionalFormatRuleData = emptyRule(),
  ) {
    super(ctx);
  }
  private _when(criteria: string, values: unknown[]): this {
    this._data = { ...this._data, criteria, values: values.map(storeCriteriaValue) };
    return this;
  }
  private _fmt(patch: Partial<ConditionalFormatRuleData>): this {
    this._data = { ...this._data, ...patch };
    return this;
  }
  build(): EmuConditionalFormatRule {
    if (!this._data.criteria) throw new GasError('Conditional format rule must have a condition.');
    if (this._data.ranges.length === 0)
      throw new GasError('Conditional format rule must have at least one range.');
    return new EmuConditionalFormatRule(this._ctx, structuredClone(this._data));
  }
  copy(): EmuConditionalFormatRuleBuilder {
    return new EmuConditionalFormatRuleBuilder(this._ctx, structuredClone(this._data));
  }
  getBooleanCondition(): EmuBooleanCondition | null {
    return this._data.criteria ? new EmuBooleanCondition(this._ctx, this._data) : null;
  }
  getRanges(): EmuRange[] {
    return this._data.ranges.map((g) => EmuRange._fromGrid(this._ctx, g));
  }
  setBackground(color: string | null): this {
    return this._fmt({ background: color });
  }
  setBold(bold: boolean | null): this {
    return this._fmt({ bold });
  }
  setFontColor(color: string | null): this {
    return this._fmt({ fontColor: color });
  }
  setItalic(italic: boolean | null): this {
    return this._fmt({ italic });
  }
  setRanges(ranges: EmuRange[]): this {
    return this._fmt({ ranges: ranges.map((r) => unwrap(r)._grid()) });
  }
  whenCellEmpty(): this {
    return this._when('CELL_EMPTY', []);
  }
  whenCellNotEmpty(): this {
    return this._when('CELL_NOT_EMPTY', []);
  }
  whenFormulaSatisfied(formula: string): this {
    return this._when('CUSTOM_FORMULA', [formula]);
  }
  whenNumberEqualTo(n: number): this {
    return this._when('NUMBER_EQUAL_TO', [n]);
  }
  whenNumberNotEqualTo(n: number): this {
    return this._when('NUMBER_NOT_EQUAL_TO', [n]);
  }
  whenNumberGreaterThan(n: number): this {
    return this._when('NUMBER_GREATER_THAN', [n]);
  }
  whenNumberLessThan(n: number): this {
    return this._when('NUMBER_LESS_THAN', [n]);
  }
  whenTextContains(text: string): this {
    return this._when('TEXT_CONTAINS', [text]);
  }
  whenTextEqualTo(text: string): this {
    return this._when('TEXT_EQUAL_TO', [text]);
  }
  whenTextStartsWith(text: string): this {
    return this._when('TEXT_STARTS_WITH', [text]);
  }
  withCriteria(criteria: string, args: unknown[]): this {
    return this._when(String(criteria), args);
  }
}
