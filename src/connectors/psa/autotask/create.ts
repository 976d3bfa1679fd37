/**
 * Create missing (P22), each convergent: find the record by its name or reference first, create it only
 * when it is not there, and return its id so the jobs layer can remember the link in the Contracts tab.
 */
import { PsaError } from '../../../core/psa';
import type { AutotaskClient, Filter } from './client';
import type { AutotaskConfig } from './config';
import { addMonthsIso } from './dates';
import { companySchema, contractSchema, contractServiceSchema, serviceSchema } from './schemas';

/** Autotask's string limits (field metadata, see SOURCES.md F8): longer text is refused, so it is shortened. */
export const LIMITS = {
  companyName: 100,
  phone: 25,
  contractName: 100,
  serviceName: 150,
  serviceDescription: 400,
} as const;

/** The text within `max` characters, marked with an ellipsis when shortened. */
export function cap(text: string, max: number): string {
  const t = text.trim();
  return t.length > max ? `${t.slice(0, max - 1).trimEnd()}…` : t;
}

export interface Created {
  id: string;
  /** False when an existing record with the same name/reference was found and reused. */
  created: boolean;
}

export function serviceBody(
  config: Pick<AutotaskConfig, 'servicePeriodType'>,
  s: {
    name: string;
    sku: string;
    unitPrice: number;
    unitCost: number;
    billingCodeId: number;
    /** Services.periodType (the commitment period); absent = the configured monthly type. */
    periodType?: number;
  },
) {
  const text = cap(s.name, LIMITS.serviceDescription);
  return {
    name: cap(s.name, LIMITS.serviceName),
    description: text,
    invoiceDescription: text,
    sku: s.sku,
    unitPrice: s.unitPrice,
    unitCost: s.unitCost,
    billingCodeID: s.billingCodeId,
    periodType: s.periodType ?? config.servicePeriodType,
    isActive: true,
  };
}

export class AutotaskCreator {
  constructor(
    private readonly client: AutotaskClient,
    private readonly config: AutotaskConfig,
  ) {}

  /** Finds the company by exact name, or creates it. */
  createCompany(input: { name: string; phone?: string }): Created {
    const name = cap(input.name, LIMITS.companyName);
    const existing = this.client
      .queryAll('Companies', [[{ op: 'eq', field: 'companyName', value: name }]], companySchema)
      .find((c) => c.companyName.trim().toLowerCase() === name.toLowerCase());
    if (existing) return { id: String(existing.id), created: false };
    if (!this.config.ownerResourceId) {
      throw new PsaError(
        'Choose the Autotask account manager (resource id) for new companies before creating one',
      );
    }
    return this.created(
      this.client.mutate(
        'post',
        'Companies',
        {
          companyName: name,
          companyType: this.config.companyType,
          phone: cap(input.phone || 'n/a', LIMITS.phone),
          ownerResourceID: this.config.ownerResourceId,
        },
        `the new company '${name}'`,
      ),
    );
  }

  /**
   * Finds the service by SKU (or by name when there is no SKU), or creates it with a Service billing code
   * (`serviceCode` checks the chosen code's use type and falls back to the configured default).
   */
  createService(
    input: {
      name: string;
      sku: string;
      unitPrice: number;
      unitCost: number;
      billingCodeId: string | number;
    },
    serviceCode: (chosen: string | number) => number | null,
  ): Created {
    const filter: Filter = input.sku
      ? { op: 'eq', field: 'sku', value: input.sku }
      : { op: 'eq', field: 'name', value: cap(input.name, LIMITS.serviceName) };
    const existing = this.client.queryAll('Services', [[filter]], serviceSchema)[0];
    if (existing) return { id: String(existing.id), created: false };
    const code = serviceCode(input.billingCodeId);
    if (code === null)
      throw new PsaError(
        `'${String(input.billingCodeId)}' is not an active Autotask Service billing code; a service needs one (material codes are for charges)`,
      );
    return this.created(
      this.client.mutate(
        'post',
        'Services',
        serviceBody(this.config, { ...input, billingCodeId: code }),
        `the new service '${input.name}'`,
      ),
    );
  }

  /**
   * Services.periodType for lines of this billing cycle (ApplicationLink: Billing Cycle → Commitment Period):
   * monthly (or none) the configured type; annual the tenant's picklist value labelled Yearly/Annual
   * (`Services/entityInformation/fields`, read once). A message when the tenant has no such value: a yearly
   * subscription on a monthly service would bill its annual price every month.
   */
  servicePeriodFor(cycle: string | undefined): number | string {
    if (cycle !== 'annual') return this.config.servicePeriodType;
    const field = this.client
      .entityFields('Services')
      .fields.find((f) => f.name.toLowerCase() === 'periodtype');
    const yearly = (field?.picklistValues ?? []).find(
      (v) => v.isActive !== false && /^(yearly|annual(ly)?)$/i.test(v.label.trim()) && /^\d+$/.test(v.value),
    );
    return yearly
      ? Number(yearly.value)
      : "Autotask's service period types have no 'Yearly' value for an annual subscription: create its service in Autotask and map the product";
  }

  /**
   * The contract period type "Monthly" (F9): sent explicitly, because what Autotask sets when it is missing is
   * undocumented (a yearly default would bill and prorate per year). The value is the configured one, else the
   * tenant's picklist value labelled Monthly (`Contracts/entityInformation/fields`).
   */
  monthlyPeriodType(): number {
    if (this.config.contractPeriodType !== undefined) return this.config.contractPeriodType;
    const field = this.client
      .entityFields('Contracts')
      .fields.find((f) => f.name.toLowerCase() === 'contractperiodtype');
    const monthly = (field?.picklistValues ?? []).find(
      (v) => v.isActive !== false && /^monthly$/i.test(v.label.trim()) && /^\d+$/.test(v.value),
    );
    if (!monthly)
      throw new PsaError(
        "Autotask's contract period types have no 'Monthly' value: set the contract period type in the Autotask connection",
      );
    return Number(monthly.value);
  }

  /**
   * Finds the company's contract of that kind and name, or creates it. A recurring-service contract for
   * usage billed in arrears should start on the 1st of the month before the first usage: see contractStartFor.
   */
  createContract(input: {
    companyId: string;
    name: string;
    kind: 'recurring-service' | 'fixed-price';
    startDate: string;
    endDate?: string;
  }): Created {
    const type =
      input.kind === 'fixed-price'
        ? this.config.contractTypes.fixedPrice
        : this.config.contractTypes.recurringService;
    const companyId = Number(input.companyId);
    const name = cap(input.name, LIMITS.contractName);
    const existing = this.client
      .queryAll(
        'Contracts',
        [
          [
            { op: 'eq', field: 'companyID', value: companyId },
            { op: 'eq', field: 'contractName', value: name },
            { op: 'eq', field: 'contractType', value: type },
          ],
        ],
        contractSchema,
      )
      .find((c) => c.contractName.trim().toLowerCase() === name.toLowerCase());
    if (existing) return { id: String(existing.id), created: false };
    const endDate = input.endDate ?? addMonthsIso(input.startDate, this.config.contractMonths, -1);
    return this.created(
      this.client.mutate(
        'post',
        'Contracts',
        {
          companyID: companyId,
          contractName: name,
          contractType: type,
          ...(input.kind === 'recurring-service' ? { contractPeriodType: this.monthlyPeriodType() } : {}),
          status: this.config.activeContractStatus,
          startDate: input.startDate,
          endDate,
          timeReportingRequiresStartAndStopTimes: 1,
        },
        `the new contract '${name}'`,
      ),
    );
  }

  /** Adds the service to a recurring-service contract (no units yet), unless it is already there. */
  addContractService(input: {
    contractId: string;
    serviceId: string;
    unitPrice: number;
    unitCost: number;
  }): Created {
    const contractId = Number(input.contractId);
    const serviceId = Number(input.serviceId);
    const existing = this.client.queryAll(
      'ContractServices',
      [
        [
          { op: 'eq', field: 'contractID', value: contractId },
          { op: 'eq', field: 'serviceID', value: serviceId },
        ],
      ],
      contractServiceSchema,
    )[0];
    if (existing) return { id: String(existing.id), created: false };
    return this.created(
      this.client.mutate(
        'post',
        `Contracts/${contractId}/Services`,
        {
          contractID: contractId,
          serviceID: serviceId,
          unitPrice: input.unitPrice,
          unitCost: input.unitCost,
        },
        `service ${serviceId} on contract ${contractId}`,
      ),
    );
  }

  private created(r: ReturnType<AutotaskClient['mutate']>): Created {
    if (!r.ok) throw new PsaError(r.message, r.status);
    return { id: String(r.id), created: true };
  }
}
