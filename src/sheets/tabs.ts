/** Tab names. Month tabs are also found by their mark, whatever their name (month-tabs.ts). */

export const CLIENTS_TAB = 'Clients';
export const PRODUCTS_TAB = 'Products';
export const CONTRACTS_TAB = 'Contracts';
export const LEDGER_TAB = 'Ledger';

/** Hidden tabs holding what the PSA has, feeding the dropdowns. */
export const PSA_COMPANIES_TAB = '_PSA Companies';
export const PSA_PRODUCTS_TAB = '_PSA Products';
export const PSA_CONTRACTS_TAB = '_PSA Contracts';
export const PSA_CODES_TAB = '_PSA Codes';
/** Hidden tab: which source customers belong to another (a subaccount's main account), as last refreshed. */
export const SOURCE_PARENTS_TAB = '_Source Parents';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const MONTH_TAB = /^Billing (\d{4}-(?:0[1-9]|1[0-2]))$/;

/** 'Billing 2026-10' for '2026-10'. */
export function monthTabName(month: string): string {
  if (!MONTH.test(month)) throw new Error(`Billing month '${month}' is not in yyyy-mm form`);
  return `Billing ${month}`;
}

/** '2026-10' for 'Billing 2026-10'; null for any other tab. */
export function monthOfTab(name: string): string | null {
  const m = MONTH_TAB.exec(name);
  return m ? m[1] : null;
}
