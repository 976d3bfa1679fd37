import type { BillingLine, ChargeType } from './billing-line';
import { MappingIndex, customerContextResolver } from './mapping';
import type { ContractMapping, Mappings } from './mapping';
import type { PsaCapabilities, PsaContract, PsaContractKind, TargetRef } from './psa';

/** Defined in psa.ts (part of PsaTarget); re-exported here where connectors first imported it. */
export type { PsaCapabilities } from './psa';
import { billingMonthOf } from './periods';
import { contractSettings, lifecycleInForce } from './settings';
import type { ArrearsMode, BillingSettings, EffectiveSettings, LatestInvoiceRule } from './settings';

/**
 * Which PSA record each line goes to.
 *
 * Decision on charge types: only 'recurring' lines become quantity targets (a contract service whose unit
 * count equals the sum of the lines mapped to it). 'pro-rata' lines are one-time partial-period
 * adjustments, so they are charges like usage, arrears and one-off: adding them to a seat count
 * would corrupt it. On a PSA without quantity targets every line is a charge, except on one that keeps
 * recurring quantities on a recurring invoice (capability `recurringInvoiceQuantities`): there a recurring
 * line of a client billed to a chosen recurring invoice is a quantity target on that invoice.
 */

export const QUANTITY_CHARGE_TYPES: readonly ChargeType[] = ['recurring'];

/**
 * Product ids with this prefix mean "find or create the PSA product for this SKU" (auto-create lifecycle):
 * the connector looks the SKU up (existing items are used unmodified) and creates it only if missing.
 */
export const AUTO_CREATE_PRODUCT_PREFIX = 'new:';
export const isAutoCreateProduct = (productId: string): boolean =>
  productId.startsWith(AUTO_CREATE_PRODUCT_PREFIX);

/**
 * Invoice containers for PSAs whose charges live on invoices (Halo, P31):
 *  - 'latest'          the client's most recent invoice, resolved by the connector at push time; with the
 *                      settings' rule and fallback when they are not the defaults (latestInvoiceContainer);
 *  - 'new:<group>'     a new invoice per order (orderId) or per billing month, created by the connector;
 *  - any other value   a concrete invoice id (the client's recurring/target invoice).
 */
export const LATEST_INVOICE = 'latest';
export const NEW_INVOICE_PREFIX = 'new:';
/**
 * The 'latest' container with the settings that say which invoice it is (#16): 'latest' for the defaults
 * (newest unsent invoice; none → the row is held), else 'latest;unpaid' and/or ';else=<new-invoice container>'
 * (when no invoice qualifies, the charges go on that new invoice).
 */
export function latestInvoiceContainer(rule: LatestInvoiceRule, fallback: string | null): string {
  return LATEST_INVOICE + (rule === 'unpaid' ? ';unpaid' : '') + (fallback ? `;else=${fallback}` : '');
}

/** The rule and fallback of a 'latest' container; null when `container` is not one. */
export function parseLatestContainer(
  container: string,
): { rule: LatestInvoiceRule; fallback: string | null } | null {
  const m = /^latest(;unpaid)?(?:;else=(new:.+))?$/.exec(container);
  return m ? { rule: m[1] ? 'unpaid' : 'unsent', fallback: m[2] ?? null } : null;
}

/** Per order, else per billing month — for usage billed in arrears, the month the arrears mode says. */
export const newInvoiceContainer = (
  line: Pick<BillingLine, 'orderId' | 'periodStart' | 'periodEnd' | 'chargeType'>,
  arrearsMode: ArrearsMode = 'most-recent',
): string =>
  NEW_INVOICE_PREFIX +
  (line.orderId ? `order:${line.orderId}` : `month:${billingMonthOf(line, arrearsMode)}`);

export type BlockReason =
  | 'unmapped-client'
  | 'excluded-client'
  | 'unmapped-product'
  | 'manual-product'
  | 'unmapped-contract'
  | 'no-target-invoice'
  | 'invalid-value'
  | 'currency'
  | 'dropped'
  | 'sync-stopped'
  /** The line's integration is disabled on Connect: held (approvals kept) until it is enabled again. */
  | 'integration-disabled'
  /** The linked contract starts after the month's first usage on it, or (recurring) not on the 1st. */
  | 'contract-start'
  /** A charge, on a PSA that takes none (PsaCapabilities.chargesRefused). */
  | 'charges-refused'
  /** Already billed in the other charge-detail form (its own charge vs a grouped one): sending would bill it twice. */
  | 'charge-detail'
  /** The target contract belongs to another PSA company than the line's (core/contract-owner.ts). */
  | 'contract-company';

export type TargetResolution =
  | { ok: true; ref: TargetRef; companyId: string; productId: string; settings: EffectiveSettings }
  | {
      ok: false;
      reason: BlockReason;
      message: string;
      /**
       * The target the line would reach, when known (sync stopped, integration disabled): a quantity
       * target is then held for every line, so it keeps its quantity.
       */
      ref?: TargetRef;
    };

/** Says, per line, which PSA target it goes to. Connectors or tests may supply their own. */
export interface TargetResolver {
  resolve(line: BillingLine, capabilities: PsaCapabilities): TargetResolution;
}

const who = (line: BillingLine): string =>
  line.customerName ? `'${line.customerName}' (${line.customerId})` : line.customerId;

/**
 * A line whose contract mapping has sync stopped: held, with the quantity target it would reach when that
 * is known, so that no other line mapped to the same contract service changes its quantity either.
 */
function syncStopped(
  line: BillingLine,
  companyId: string,
  row: ContractMapping,
  s: EffectiveSettings,
  capabilities: PsaCapabilities,
  index: MappingIndex,
): TargetResolution {
  const message =
    `Sync stopped for ${line.subscriptionId ? `subscription ${line.subscriptionId}` : `customer ${who(line)}`}` +
    ': bill it by hand, or resume sync to push it';
  const mode = lifecycleInForce(s);
  const quantity = capabilities.quantityTargets && QUANTITY_CHARGE_TYPES.includes(line.chargeType);
  const productId =
    index.product(line.source, line.sku)?.productId ??
    (mode === 'default-item'
      ? defaultItemOf(s, quantity, capabilities)
      : mode === 'auto-create'
        ? AUTO_CREATE_PRODUCT_PREFIX + line.sku
        : null);
  if (quantity && productId) {
    return {
      ok: false,
      reason: 'sync-stopped',
      message,
      ref: { kind: 'quantity', companyId, contractId: row.contractId, productId },
    };
  }
  return { ok: false, reason: 'sync-stopped', message };
}

/** The Status and Action reason of a row held because its integration is disabled. */
export const integrationDisabledMessage = (name: string): string =>
  `Integration '${name}' is disabled on Connect: enable it to push these rows`;

/**
 * Rows of a disabled integration are not pushed, by hand or by any schedule, and a dry run shows no change
 * for them: each is held with a reason naming the integration. The target it would reach is kept on the
 * hold, so a contract service it shares with other lines keeps its quantity (reconcile) rather than losing
 * its part. `disabled` maps each disabled source id to its name; enabling it again lets the rows through.
 */
export function withDisabledIntegrations(
  base: TargetResolver,
  disabled: ReadonlyMap<string, string>,
): TargetResolver {
  if (disabled.size === 0) return base;
  return {
    resolve(line, capabilities) {
      const r = base.resolve(line, capabilities);
      const name = disabled.get(line.source);
      if (name === undefined) return r;
      const ref = r.ref;
      return {
        ok: false,
        reason: 'integration-disabled',
        message: integrationDisabledMessage(name),
        ...(ref ? { ref } : {}),
      };
    },
  };
}

/** The default product of default-item mode for a line: the default service for a quantity target where the PSA needs one. */
function defaultItemOf(
  s: EffectiveSettings,
  quantity: boolean,
  capabilities: PsaCapabilities,
): string | null {
  return (
    (quantity && capabilities.defaultServiceForQuantities ? s.codes.defaultService : s.codes.itemCode) || null
  );
}

/** What the resolver needs to know of the PSA's contracts (the lookup tab's rows). */
export type ContractFacts = Pick<PsaContract, 'id' | 'companyId' | 'kind'> &
  Partial<Pick<PsaContract, 'endDate'>>;

/**
 * The annual rule (seeds 003/004): an annual line without a contract of its own goes to its company's only
 * fixed-price contract not ended before the line's period, unless `annualToFixedPrice` is off. Undefined
 * when the rule does not apply (then the customer's default contract is used): a company with two such
 * contracts needs a person to link the subscription.
 */
export function annualContractRule(
  contracts: readonly ContractFacts[],
): (
  line: BillingLine,
  companyId: string,
  settings: EffectiveSettings,
  mapped?: ContractMapping,
) => string | undefined {
  const byCompany = new Map<string, ContractFacts[]>();
  for (const c of contracts) {
    if (c.kind !== 'fixed-price') continue;
    const own = byCompany.get(c.companyId);
    if (own) own.push(c);
    else byCompany.set(c.companyId, [c]);
  }
  return (line, companyId, settings, mapped) => {
    if (line.cycle !== 'annual' || settings.annualToFixedPrice === false) return undefined;
    if (mapped && mapped.subscriptionId !== '') return undefined;
    const open = (byCompany.get(companyId) ?? []).filter((c) => !c.endDate || c.endDate >= line.periodStart);
    return open.length === 1 ? open[0].id : undefined;
  };
}

/** The standard resolver: company from the client mapping, product from the product mapping (or the
 *  lifecycle mode), contract from the contract mapping, invoice from the invoice behaviour. */
export function mappingTargetResolver(
  mappings: Mappings | MappingIndex,
  settings: BillingSettings,
  /**
   * The PSA's contracts (or only their kinds by id), when known. A recurring line mapped to a fixed-price
   * contract (an annual seat subscription, P32) is billed as a charge on it: fixed-price contracts hold no
   * services. With the contracts' companies known, annual lines without a contract of their own go to the
   * company's fixed-price contract (setting `annualToFixedPrice`, on unless turned off).
   */
  contracts?: ReadonlyMap<string, PsaContractKind> | readonly ContractFacts[],
): TargetResolver {
  const index = mappings instanceof MappingIndex ? mappings : new MappingIndex(mappings);
  const contextOf = customerContextResolver(settings, index);
  const list = contracts && !(contracts instanceof Map) ? (contracts as readonly ContractFacts[]) : [];
  const contractKinds: ReadonlyMap<string, PsaContractKind> | undefined =
    contracts instanceof Map ? contracts : new Map(list.map((c) => [c.id, c.kind]));
  const annualContract = annualContractRule(list);
  return {
    resolve(line, capabilities) {
      const { client, settings: s } = contextOf(line);
      if (!client) {
        return {
          ok: false,
          reason: 'unmapped-client',
          message: `Customer ${who(line)} is not mapped to a PSA company`,
        };
      }
      if (client.status === 'excluded') {
        return {
          ok: false,
          reason: 'excluded-client',
          message: `Customer ${who(line)} is excluded (do not invoice)`,
        };
      }
      const companyId = client.companyId as string;

      const contractRow = index.contract(line.source, line.customerId, line.subscriptionId);
      if (contractRow?.syncStopped) return syncStopped(line, companyId, contractRow, s, capabilities, index);

      let productId = index.product(line.source, line.sku)?.productId ?? null;
      if (productId === null) {
        if (lifecycleInForce(s) === 'off') {
          return {
            ok: false,
            reason: 'unmapped-product',
            message: `Product '${line.sku}' is not mapped; map it on the Products tab (product lifecycle management is off)`,
          };
        }
        if (s.productLifecycle === 'manual') {
          return {
            ok: false,
            reason: 'manual-product',
            message: `Product '${line.sku}' is not mapped; map it by hand before pushing (product mode: manual)`,
          };
        }
        if (s.productLifecycle === 'default-item') {
          const quantityLine =
            capabilities.quantityTargets && QUANTITY_CHARGE_TYPES.includes(line.chargeType);
          const fallback = defaultItemOf(s, quantityLine, capabilities);
          if (!fallback) {
            return {
              ok: false,
              reason: 'unmapped-product',
              message:
                quantityLine && capabilities.defaultServiceForQuantities
                  ? `Product '${line.sku}' is not mapped and no default service is set for recurring lines (Defaults)`
                  : `Product '${line.sku}' is not mapped and no default item code is set`,
            };
          }
          productId = fallback;
        } else {
          productId = AUTO_CREATE_PRODUCT_PREFIX + line.sku;
        }
      }

      const quantity = capabilities.quantityTargets && QUANTITY_CHARGE_TYPES.includes(line.chargeType);
      if (quantity || capabilities.chargeContainer === 'contract') {
        const mapped = contractRow;
        const contractId = annualContract(line, companyId, s, mapped) ?? mapped?.contractId;
        if (!contractId) {
          const sub = line.subscriptionId ? `subscription ${line.subscriptionId}` : `customer ${who(line)}`;
          return { ok: false, reason: 'unmapped-contract', message: `No PSA contract is mapped for ${sub}` };
        }
        const asQuantity = quantity && contractKinds?.get(contractId) !== 'fixed-price';
        const ref: TargetRef = asQuantity
          ? { kind: 'quantity', companyId, contractId, productId }
          : { kind: 'charge', companyId, container: contractId, lineKey: line.key };
        return { ok: true, ref, companyId, productId, settings: contractSettings(settings, contractId, s) };
      }

      if (
        capabilities.recurringInvoiceQuantities &&
        QUANTITY_CHARGE_TYPES.includes(line.chargeType) &&
        s.invoiceBehaviour === 'recurring' &&
        s.targetInvoiceId
      ) {
        // One line per product on the chosen recurring invoice, its quantity kept (seats), not a new charge.
        const ref: TargetRef = { kind: 'quantity', companyId, contractId: s.targetInvoiceId, productId };
        return { ok: true, ref, companyId, productId, settings: s };
      }
      let container: string;
      if (s.invoiceBehaviour === 'new') container = newInvoiceContainer(line, s.arrearsMode);
      else if (s.invoiceBehaviour === 'latest')
        container = latestInvoiceContainer(
          s.latestInvoice ?? 'unsent',
          s.noLatestInvoice === 'new' ? newInvoiceContainer(line, s.arrearsMode) : null,
        );
      else if (s.targetInvoiceId) container = s.targetInvoiceId;
      else {
        return {
          ok: false,
          reason: 'no-target-invoice',
          message: `Customer ${who(line)} bills to a recurring invoice but none is chosen for the client`,
        };
      }
      return {
        ok: true,
        ref: { kind: 'charge', companyId, container, lineKey: line.key },
        companyId,
        productId,
        settings: s,
      };
    },
  };
}
