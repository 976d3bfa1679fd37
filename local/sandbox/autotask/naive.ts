/**
 * The bench's naive baseline against Autotask (local/bench/naive.ts): the month (Pax8 → Autotask)
 * written the way hand-made billing scripts usually are:
 *  - pull: page through the invoice's items, then look each line's customer up with its own fetch and
 *    write the row cell by cell (`getRange(r, c).setValue`);
 *  - push: read each row back cell by cell (`getRange(r, c).getValue`), find the company and its
 *    contract with one query each, create one charge per line, write the status cell.
 * Every call is sequential (`UrlFetchApp.fetch`). It also bills every line again on every run (no
 * reconciliation) — beside the point here, which is the number of calls.
 */
import type { NaiveBaseline } from '../bench';
import type { Pax8Fixture } from '../pax8/fixture';
import { DEMO_INTEGRATION_CODE, DEMO_SECRET, DEMO_USER, type AtState } from './fixture';

/** A plain Apps Script file, as someone would paste it into the script editor. */
const SCRIPT = String.raw`
function naiveMonth(cfg) {
  var ss = SpreadsheetApp.getActiveSpreadsheet();
  var sheet = ss.insertSheet('Naive ' + cfg.month);
  var headers = ['Client', 'SKU', 'Product', 'Quantity', 'Unit price', 'Unit cost', 'Total', 'Start', 'End', 'Line id', 'Approved', 'Status'];
  for (var h = 0; h < headers.length; h++) sheet.getRange(1, h + 1).setValue(headers[h]);

  // Pull
  var tok = JSON.parse(UrlFetchApp.fetch('https://token-manager.pax8.com/oauth/token', {
    method: 'post', contentType: 'application/json',
    payload: JSON.stringify({ client_id: cfg.pax8.clientId, client_secret: cfg.pax8.clientSecret,
      audience: 'https://api.pax8.com', grant_type: 'client_credentials' })
  }).getContentText()).access_token;
  var auth = { Authorization: 'Bearer ' + tok };
  var invoices = JSON.parse(UrlFetchApp.fetch('https://api.pax8.com/v1/invoices?invoiceDateRangeStart=' +
    cfg.month + '-01&invoiceDateRangeEnd=' + cfg.month + '-28&size=200', { headers: auth }).getContentText()).content;
  var row = 2;
  for (var i = 0; i < invoices.length && row - 2 < cfg.lines; i++) {
    for (var page = 0; row - 2 < cfg.lines; page++) {
      var items = JSON.parse(UrlFetchApp.fetch('https://api.pax8.com/v1/invoices/' + invoices[i].id +
        '/items?size=200&page=' + page, { headers: auth }).getContentText());
      for (var k = 0; k < items.content.length && row - 2 < cfg.lines; k++) {
        var it = items.content[k];
        var company = JSON.parse(UrlFetchApp.fetch('https://api.pax8.com/v1/companies/' + it.companyId,
          { headers: auth }).getContentText());
        var values = [company.name, it.sku, it.productName, it.quantity, it.price, it.cost, it.total,
          it.startPeriod, it.endPeriod, it.id, true, ''];
        for (var c = 0; c < values.length; c++) sheet.getRange(row, c + 1).setValue(values[c]);
        row++;
      }
      if (items.page.number + 1 >= items.page.totalPages) break;
    }
  }

  // Push: one row at a time.
  var at = { UserName: cfg.autotask.username, Secret: cfg.autotask.secret,
    ApiIntegrationCode: cfg.autotask.integrationCode };
  var base = 'https://webservices5.autotask.net/atservicesrest/v1.0/';
  var query = function (entity, filter) {
    return JSON.parse(UrlFetchApp.fetch(base + entity + '/query', { method: 'post', headers: at,
      contentType: 'application/json', payload: JSON.stringify({ filter: filter }) }).getContentText()).items;
  };
  var pushed = 0;
  for (var r = 2; r < row; r++) {
    var line = [];
    for (var c2 = 1; c2 <= 11; c2++) line.push(sheet.getRange(r, c2).getValue());
    if (line[10] !== true) continue;
    var companies = query('Companies', [{ op: 'eq', field: 'companyName', value: line[0] }]);
    if (!companies.length) { sheet.getRange(r, 12).setValue('No company'); continue; }
    var contracts = query('Contracts', [{ op: 'eq', field: 'companyID', value: companies[0].id }]);
    if (!contracts.length) { sheet.getRange(r, 12).setValue('No contract'); continue; }
    var res = UrlFetchApp.fetch(base + 'Contracts/' + contracts[0].id + '/Charges', { method: 'post', headers: at,
      contentType: 'application/json', muteHttpExceptions: true,
      payload: JSON.stringify({ name: line[1] + ' ' + line[9], datePurchased: cfg.month + '-28',
        unitQuantity: line[3], unitPrice: line[4], unitCost: line[5], chargeType: 1,
        billingCodeID: cfg.billingCodeId, contractID: contracts[0].id }) });
    sheet.getRange(r, 12).setValue(res.getResponseCode() < 300 ? 'Pushed' : 'Failed');
    if (res.getResponseCode() < 300) pushed++;
  }
  return { rows: row - 2, pushed: pushed };
}
`;

export const naive: NaiveBaseline<AtState> = {
  title: 'Pax8 → Autotask',
  sources: ['pax8'],
  slice: 'Pax8 lines',
  script: SCRIPT,
  fn: 'naiveMonth',
  config: ({ month, sources }, lines) => ({
    month,
    lines,
    pax8: (sources.pax8 as Pax8Fixture).clients[0],
    autotask: { username: DEMO_USER, secret: DEMO_SECRET, integrationCode: DEMO_INTEGRATION_CODE },
    billingCodeId: 29682810, // a Material code: the sandbox refuses a service code on a charge
  }),
};
