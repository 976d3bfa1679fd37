/**
 * The default codes chosen in Defaults, checked against the PSA's own lists (#15 F2). On a PSA whose code
 * lists keep apart the codes charges take from the codes services take (`PsaCodeLists.serviceCodes`,
 * Autotask: Material vs Service billing codes), the default item for charges must be one charges take,
 * and the service code for services BillGrid creates one services take. A choice of the wrong kind is
 * refused when saved (with what it is and what to choose), and one saved before the check holds its rows
 * with that message before the push instead of failing at the PSA.
 */
import { z } from 'zod';
import type { PsaCode, PsaCodeLists } from './psa';
import { lifecycleInForce, type DefaultCodes } from './settings';
import type { TargetResolver } from './targets';

/** What the check needs of the PSA's lists (as the lookup tabs hold them). */
export type CodeChoiceLists = Pick<PsaCodeLists, 'itemCodes' | 'serviceCodes'>;

const has = (list: readonly PsaCode[] | undefined, id: string) => (list ?? []).some((c) => c.id === id);

/** The lists are kept apart and read: the check applies. */
const splits = (lists: CodeChoiceLists | null | undefined): lists is CodeChoiceLists =>
  !!lists &&
  lists.serviceCodes !== undefined &&
  (lists.itemCodes.length > 0 || lists.serviceCodes.length > 0);

/** Why the default item for charges cannot be `id`, or null when it can (or nothing is known to check). */
export function itemCodeProblem(id: string | null | undefined, lists: CodeChoiceLists | null): string | null {
  if (!id || !splits(lists) || has(lists.itemCodes, id)) return null;
  return has(lists.serviceCodes, id)
    ? `The default item for charges (${id}) is a code for services, which charges cannot take: choose a code for charges in Defaults`
    : `The default item for charges (${id}) is not one of the PSA's active codes for charges: choose one in Defaults`;
}

/** Why the service code for services BillGrid creates cannot be `id`, or null. */
export function serviceCodeProblem(
  id: string | null | undefined,
  lists: CodeChoiceLists | null,
): string | null {
  if (!id || !splits(lists) || has(lists.serviceCodes, id)) return null;
  return has(lists.itemCodes, id)
    ? `The code for new services (${id}) is a code for charges, which services cannot take: choose a code for services in Defaults`
    : `The code for new services (${id}) is not one of the PSA's active codes for services: choose one in Defaults`;
}

/** Every problem of a set of codes (one level of the settings), in users' words. */
export function defaultCodeProblems(
  codes: Partial<DefaultCodes> | undefined,
  lists: CodeChoiceLists | null,
): string[] {
  return [itemCodeProblem(codes?.itemCode, lists), serviceCodeProblem(codes?.serviceCode, lists)].filter(
    (p): p is string => p !== null,
  );
}

/** The codes of a settings level parsed against the PSA's lists: a code of the wrong kind is an issue. */
export const codeChoiceSchema = (lists: CodeChoiceLists | null) =>
  z
    .object({ itemCode: z.string().nullable().optional(), serviceCode: z.string().nullable().optional() })
    .superRefine((c, ctx) => {
      for (const message of defaultCodeProblems(c, lists)) ctx.addIssue({ code: 'custom', message });
    });

/**
 * Holds, before the push, a charge whose product is the default item when that item is not a code charges
 * take (a choice saved before the check, or a code since changed in the PSA): the row says why, nothing is
 * sent. Products mapped by hand are the PSA's to judge.
 */
export function withDefaultCodeChecks(base: TargetResolver, lists: CodeChoiceLists | null): TargetResolver {
  if (!splits(lists)) return base;
  return {
    resolve(line, capabilities) {
      const r = base.resolve(line, capabilities);
      if (!r.ok || r.ref.kind !== 'charge' || lifecycleInForce(r.settings) !== 'default-item') return r;
      if (r.productId !== r.settings.codes.itemCode) return r;
      const problem = itemCodeProblem(r.productId, lists);
      return problem ? { ok: false, reason: 'unmapped-product', message: problem } : r;
    },
  };
}
