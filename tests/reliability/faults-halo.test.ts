/** Randomised fault schedules against the halo sandbox: see support/fault-suite.ts. */
import { faultSuite } from './support/fault-suite';

faultSuite('halo');
