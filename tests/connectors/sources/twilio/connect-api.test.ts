/** Twilio's credential rules through the sidebar's Connect functions (the generic ones: tests/api/connect). */
import { sidebarApi } from '../../../../src/api';
import { errorOf, installFakeGas, SID, TOKEN, type FakeGas } from '../../../api/fake-gas';

describe('Connect API with Twilio credentials', () => {
  let gas: FakeGas;
  beforeEach(() => {
    gas = installFakeGas();
  });

  it('shows the Account SID by its last four, the token as set, the unused API key fields as empty', () => {
    const view = sidebarApi.saveConnection('twilio', { accountSid: SID, authToken: TOKEN });
    const stored = Object.fromEntries(view.fields.map((f) => [f.name, f.stored]));
    expect(stored).toEqual({ accountSid: '••••cdef', authToken: 'set', apiKeySid: null, apiKeySecret: null });
  });

  it('keeps the stored token when only the Account SID changes', () => {
    sidebarApi.saveConnection('twilio', { accountSid: SID, authToken: TOKEN });
    const other = 'AC' + 'f'.repeat(32);
    sidebarApi.saveConnection('twilio', { accountSid: other, authToken: '  ' });
    expect(JSON.parse(gas.docProps.get('billgrid.secret.twilio') ?? '{}')).toEqual({
      accountSid: other,
      authToken: TOKEN,
    });
  });

  it('rejects a malformed SID or a missing token without echoing the value', () => {
    const badSid = 'ACnot-a-sid-but-maybe-a-token-9999';
    const msg = errorOf(() => sidebarApi.saveConnection('twilio', { accountSid: badSid, authToken: TOKEN }));
    expect(msg).toBe(
      'Twilio credentials: Twilio Account SID must be "AC" followed by 32 hexadecimal characters',
    );
    expect(msg).not.toContain(badSid);
    expect(errorOf(() => sidebarApi.saveConnection('twilio', { accountSid: SID }))).toBe(
      'Twilio credentials: Twilio Auth Token is missing (or give an API key SID and secret instead)',
    );
    expect(gas.docProps.has('billgrid.secret.twilio')).toBe(false);
  });
});
