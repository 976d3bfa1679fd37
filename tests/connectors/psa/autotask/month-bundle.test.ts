/** The demo month (Pax8 + Twilio) into Autotask through the built bundle (tests/e2e/month-through-bundle). */
import { describeMonthThroughBundle } from '../../../e2e/month-through-bundle';
import { isMutation } from './support';

describeMonthThroughBundle({
  psa: 'autotask',
  sources: ['pax8', 'twilio'],
  isMutation,
  contractsLinked: 20,
  // One request per entity changed.
  checkMutations: (mutations, applied) => expect(mutations).toBeGreaterThanOrEqual(applied),
});
