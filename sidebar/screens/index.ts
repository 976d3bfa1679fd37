import { clientsScreen } from './clients';
import { contractsScreen } from './contracts';
import { productsScreen } from './products';
import { connectScreen } from './connect';
import { defaultsScreen } from './defaults';
import { importScreen } from './import';
import { monthScreen } from './month';
import { pushScreen } from './push';
import { reviewScreen } from './review';
import { scheduleScreen } from './schedule';
import type { Screen } from './types';

export const SCREENS: Screen[] = [
  connectScreen,
  clientsScreen,
  defaultsScreen,
  productsScreen,
  contractsScreen,
  importScreen,
  monthScreen,
  reviewScreen,
  pushScreen,
  scheduleScreen,
];

/**
 * The first-use wizard walks these, in order. Clients comes before Defaults because its refresh reads
 * the PSA's codes that the Defaults dropdowns offer.
 */
export const WIZARD_STEPS = ['connect', 'clients', 'defaults', 'products', 'contracts'];
