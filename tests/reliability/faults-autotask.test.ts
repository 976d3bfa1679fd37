/** Randomised fault schedules against the autotask sandbox: see support/fault-suite.ts. */
import { faultSuite } from './support/fault-suite';

faultSuite('autotask');
