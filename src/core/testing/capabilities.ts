/**
 * The two kinds of PSA the core logic distinguishes, for tests and the core bench (connectors declare
 * their own in their descriptors).
 */
import type { PsaCapabilities } from '../psa';

/** Recurring quantities on contract services, charges on contracts. */
export const CONTRACT_PSA: PsaCapabilities = { quantityTargets: true, chargeContainer: 'contract' };
/** No quantity targets: every line is a charge on an invoice. */
export const INVOICE_PSA: PsaCapabilities = { quantityTargets: false, chargeContainer: 'invoice' };
