/**
 * Mapping a customer by hand from the sidebar (P20): assign to a PSA company (status 'manual', never
 * changed by matching again), or exclude ("do not invoice"). Several customers may map to one company.
 * The Clients tab stays the single source of truth: this writes the same row a person could type.
 */
import { z } from 'zod';
import type { ContractMapping } from '../core/mapping';
import { withDocumentLock } from '../platform/lock';
import { activeSpreadsheet } from '../platform/spreadsheet';
import { readLookups } from '../sheets/lookups';
import { readMappings, writeMappings } from '../sheets/mappings';
import { parseArg, SidebarError } from './args';
import { apiContext } from './context';
import { requireEditor } from './rights';

const assignment = z.object({
  source: z.string({ error: 'Source is missing' }).trim().min(1, { error: 'Source is missing' }).max(40),
  customerId: z
    .string({ error: 'Customer is missing' })
    .trim()
    .min(1, { error: 'Customer is missing' })
    .max(200),
  customerName: z.string().max(500).default(''),
  /** The PSA company; null to exclude the customer. */
  companyId: z.string().trim().min(1).max(100).nullable(),
});

export interface AssignResult {
  customerName: string;
  companyName: string | null;
  status: 'manual' | 'excluded';
  contractLinked: boolean;
}

export function assignClient(input: unknown): AssignResult {
  requireEditor(apiContext(), 'map clients');
  const a = parseArg(assignment, input, 'Client mapping');
  return withDocumentLock('mapping a client', () => {
    const ss = activeSpreadsheet();
    const lookups = readLookups(ss);
    const company = a.companyId ? lookups?.companies.find((c) => c.id === a.companyId) : null;
    if (a.companyId && !company) {
      throw new SidebarError(
        'That PSA company is not in the list read from the PSA; refresh clients and try again.',
      );
    }
    const status = a.companyId ? 'manual' : 'excluded';
    const contracts: ContractMapping[] = [];
    const current = readMappings(ss, lookups).mappings;
    const linked = current.contracts.some((c) => c.source === a.source && c.customerId === a.customerId);
    if (company && !linked) {
      const own = (lookups?.contracts ?? []).filter(
        (c) => c.companyId === company.id && c.kind === 'recurring-service',
      );
      if (own.length === 1) {
        contracts.push({
          source: a.source,
          customerId: a.customerId,
          subscriptionId: '',
          contractId: own[0].id,
        });
      }
    }
    writeMappings(
      ss,
      {
        clients: [
          {
            source: a.source,
            customerId: a.customerId,
            customerName: a.customerName,
            companyId: a.companyId,
            status,
            score: null,
          },
        ],
        ...(contracts.length ? { contracts } : {}),
      },
      { lookups },
    );
    return {
      customerName: a.customerName,
      companyName: company?.name ?? null,
      status,
      contractLinked: contracts.length > 0,
    };
  });
}

export interface CompanyOption {
  id: string;
  name: string;
}

/** PSA companies for the assign dropdown, from the lookup tab (no PSA request). */
export function listCompanies(): CompanyOption[] {
  const lookups = readLookups(activeSpreadsheet());
  return (lookups?.companies ?? [])
    .filter((c) => c.active)
    .map((c) => ({ id: c.id, name: c.name }))
    .sort((x, y) => x.name.localeCompare(y.name));
}
