/**
 * The workbench's demo workbook starts with the demo Ingram Micro account connected (its sandbox's demo
 * credentials saved on Connect), so the first pull of the demo month brings its orders.
 */
import type { DemoSeed } from '../module';
import { sandbox } from './index';

export const demoSeed: DemoSeed = {
  label: 'the demo Ingram Micro account',
  calls: () => [{ fn: 'saveConnection', args: [sandbox.id, sandbox.demoCredentials()] }],
};
