import { clientsScreen, refreshScreen } from './clients';
import { connectScreen } from './connect';
import { defaultsScreen } from './defaults';
import { monthScreen } from './month';
import { pushScreen } from './push';
import { reviewScreen } from './review';
import { scheduleScreen } from './schedule';
import type { Screen } from './types';

export const SCREENS: Screen[] = [
  connectScreen,
  defaultsScreen,
  clientsScreen,
  refreshScreen(
    'products',
    'Products',
    'Map each SKU to a PSA product; unmapped products follow the rule chosen in Defaults.',
    'Products',
  ),
  refreshScreen(
    'contracts',
    'Contracts',
    'Link subscriptions to PSA contracts and contract services, once; they are remembered.',
    'Contracts',
  ),
  monthScreen,
  reviewScreen,
  pushScreen,
  scheduleScreen,
];

/** The first-use wizard walks these, in order. */
export const WIZARD_STEPS = ['connect', 'defaults', 'clients', 'products', 'contracts'];
