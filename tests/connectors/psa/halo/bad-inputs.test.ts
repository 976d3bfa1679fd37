/** The bad-input corpus against this PSA's sandbox: see tests/reliability/support/bad-input-suite.ts. */
import { badInputSuite } from '../../../reliability/support/bad-input-suite';
import { hooks } from './bad-input-hooks';

badInputSuite('halo', hooks);
