/** The demo month (Pax8 + Twilio) into HaloPSA through the built bundle (tests/e2e/month-through-bundle). */
import { contract } from '../../../../local/sandbox/halo/contract';
import { describeMonthThroughBundle } from '../../../e2e/month-through-bundle';

describeMonthThroughBundle({
  psa: 'halo',
  sources: ['pax8', 'twilio'],
  isMutation: contract.isMutation,
  // Not every demo client has an invoice in HaloPSA yet: bill the month on a new invoice each.
  defaults: { invoiceBehaviour: 'new' },
  // One request per invoice, carrying all its changed lines.
  checkMutations: (mutations, applied) => {
    expect(mutations).toBeGreaterThan(0);
    expect(mutations).toBeLessThan(applied);
  },
});
