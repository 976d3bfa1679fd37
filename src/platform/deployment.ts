/**
 * Which deployment BillGrid runs in (docs/SECURITY.md): a script bound to the billing spreadsheet, or an
 * Editor add-on (a separate project the spreadsheet's editors cannot open). Apps Script reports an
 * add-on's installation source; a bound script's is NONE.
 */
export type Deployment = 'bound' | 'addon';

export function deployment(): Deployment {
  try {
    const source = ScriptApp.getInstallationSource();
    return source && String(source) !== 'NONE' ? 'addon' : 'bound';
  } catch {
    // Not available (a test double): behave as the bound script.
    return 'bound';
  }
}
