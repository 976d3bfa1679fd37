/** Randomised fault schedules against this PSA's sandbox: see tests/reliability/support/fault-suite.ts. */
import { faultSuite } from '../../../reliability/support/fault-suite';
import { hooks } from './fault-hooks';

faultSuite('kaseya-bms', hooks);
