/**
 * Twilio usage categories form a hierarchy that the API does not describe: a list of usage records
 * returns the leaves (e.g. `calls-outbound`), their roll-ups (`calls`) and the grand total
 * (`totalprice`) side by side, each with its own price. Summing them all would bill twice.
 *
 * Only leaves are billed. A priced category is a roll-up when it is a known roll-up (ROLLUPS below:
 * categories whose parts do not share their name, e.g. `lookups` ⊇ `calleridlookups`, see SOURCES.md)
 * or when another priced category is named as one of its parts (`sms` → `sms-outbound` →
 * `sms-outbound-longcode`). Twilio's `totalprice` is the check: the leaves must add up to it to the
 * cent, otherwise the hierarchy is not what BillGrid thinks for this account and nothing is billed
 * for it (a missing part would under-bill, a roll-up taken for a leaf would bill twice).
 */
import { microsToCents, sumMicros, toMicros } from '../../../core/money';

export interface PricedCategory {
  category: string;
  description: string;
  /** As Twilio sent it (Twilio sends decimal strings; the spec says number). */
  price: number | string;
}

export const TOTAL_CATEGORY = 'totalprice';

/**
 * Roll-ups whose parts are not named with the roll-up's prefix (dash-prefix roll-ups such as `calls`,
 * `sms-outbound` need no entry). Names from Twilio's usage category list (twilio-node `UsageCategory`);
 * which parts each contains from Twilio's category descriptions and a recorded real response (see
 * SOURCES.md). A category listed here is never billed itself.
 */
export const ROLLUPS: Readonly<Record<string, readonly string[]>> = {
  lookups: [
    'calleridlookups',
    'carrier-lookups',
    'fraud-lookups',
    'number-format-lookups',
    'lookup-identity-match',
  ],
  pv: [
    'group-rooms',
    'small-group-rooms',
    'peer-to-peer-rooms',
    'video-recordings',
    'pv-composition-minutes',
    'pv-recording-compositions',
  ],
  'channels-messaging': ['failed-message-processing-fee'],
  channels: ['channels-messaging', 'channels-whatsapp', 'channels-messenger'],
};

const KNOWN_ROLLUPS = new Set(Object.keys(ROLLUPS));

export interface CategorySelection {
  /** Leaves to bill (empty when `blocked`). */
  billed: PricedCategory[];
  /** Why nothing is billed for this account, or null. */
  blocked: string | null;
}

/** Leaves of the priced categories, checked against Twilio's total. */
export function selectBilledCategories(records: readonly PricedCategory[]): CategorySelection {
  const totalRecord = records.find((r) => r.category === TOTAL_CATEGORY);
  const priced = records.filter((r) => r.category !== TOTAL_CATEGORY && toMicros(r.price) !== 0n);
  const names = new Set(priced.map((r) => r.category));
  const rollups = new Set<string>([...KNOWN_ROLLUPS].filter((c) => names.has(c)));
  for (const r of priced) {
    for (let i = r.category.lastIndexOf('-'); i > 0; i = r.category.lastIndexOf('-', i - 1)) {
      const p = r.category.slice(0, i);
      if (names.has(p)) rollups.add(p);
    }
  }
  const billed = priced
    .filter((r) => !rollups.has(r.category))
    .sort((a, b) => (a.category < b.category ? -1 : a.category > b.category ? 1 : 0));
  if (!totalRecord) {
    return billed.length === 0
      ? { billed, blocked: null }
      : { billed: [], blocked: "Twilio sent no 'totalprice' record to check the itemised usage against" };
  }
  const itemised = microsToCents(sumMicros(billed.map((b) => b.price)));
  const total = microsToCents(toMicros(totalRecord.price));
  if (itemised === total) return { billed, blocked: null };
  const cents = (c: bigint) => (Number(c) / 100).toFixed(2);
  return {
    billed: [],
    blocked:
      itemised > total
        ? `its itemised usage (${cents(itemised)}) is more than Twilio's total (${cents(total)}): some usage category is a roll-up BillGrid does not know, and billing it would charge twice`
        : `its itemised usage (${cents(itemised)}) is less than Twilio's total (${cents(total)}): some usage is not itemised`,
  };
}
