/** Twilio's tenant-check probes (read-only): the accounts list and one subaccount's usage records. */
import type { ConnectorProbe, ProbeResult } from '../../descriptor';
import type { BillingSource } from '../../../core/source';
import type { HttpClient } from '../../../core/http';
import { basicAuth } from '../common/base64';
import { isOk, jsonBody, queryString, zodReason } from '../common/http-util';
import { parseTwilioConfig, type TwilioCredentials } from './config';
import { accountsPage, twilioAccount, usagePage, usageRecord } from './schemas';

const API = '/2010-04-01';

/**
 * The account lists its subaccounts, and a subaccount's usage records (the first page, all time) carry a
 * category and a price in a currency — what BillGrid bills from.
 */
export function probeSubaccountUsage(c: TwilioCredentials, http: HttpClient): ProbeResult {
  const config = parseTwilioConfig(c);
  const get = (path: string) =>
    http.request({
      method: 'get',
      url: config.baseUrl + path,
      headers: {
        // An API key authenticates as its SID and secret, as in the source (source.ts).
        Authorization:
          config.apiKeySid && config.apiKeySecret
            ? basicAuth(config.apiKeySid, config.apiKeySecret)
            : basicAuth(config.accountSid, config.authToken ?? ''),
        Accept: 'application/json',
      },
    });
  const list = get(`${API}/Accounts.json${queryString({ PageSize: 20 })}`);
  if (!isOk(list))
    return { status: 'unchecked', detail: `Twilio answered ${list.status} to the accounts list` };
  const page = accountsPage.safeParse(jsonBody(list));
  if (!page.success)
    return { status: 'differs', detail: `The accounts list is not as documented (${zodReason(page.error)})` };
  const accounts = page.data.accounts.flatMap((a) => {
    const r = twilioAccount.safeParse(a);
    return r.success ? [r.data] : [];
  });
  const sub = accounts.find((a) => a.sid !== config.accountSid);
  if (!sub) return { status: 'unchecked', detail: 'The account has no subaccount to look at' };
  const usage = get(`${API}/Accounts/${sub.sid}/Usage/Records.json${queryString({ PageSize: 50 })}`);
  if (!isOk(usage))
    return { status: 'unchecked', detail: `Twilio answered ${usage.status} to a subaccount's usage records` };
  const records = usagePage.safeParse(jsonBody(usage));
  if (!records.success)
    return { status: 'differs', detail: `Usage records are not as documented (${zodReason(records.error)})` };
  const all = records.data.usage_records;
  if (all.length === 0) return { status: 'unchecked', detail: 'The subaccount has no usage record yet' };
  for (const raw of all) {
    const r = usageRecord.safeParse(raw);
    if (!r.success)
      return { status: 'differs', detail: `A usage record is not readable (${zodReason(r.error)})` };
    if (r.data.price != null && !r.data.price_unit)
      return { status: 'differs', detail: `Usage record '${r.data.category}' has a price but no currency` };
  }
  return {
    status: 'confirmed',
    detail: `A subaccount's usage came as ${all.length} records with categories and priced in a currency`,
  };
}

export const twilioProbes: readonly ConnectorProbe<BillingSource, TwilioCredentials>[] = [
  {
    id: 'twilio.subaccount-usage',
    assumption:
      "Subaccounts are listed under the account, and a subaccount's usage records carry a category and a price with its currency",
    run: (_source, ctx) => probeSubaccountUsage(ctx.credentials, ctx.http),
  },
];
