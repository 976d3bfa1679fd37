/**
 * Demo data for the Kaseya BMS sandbox: the demo MSP's clients (local/demo/msp.ts) as BMS CRM accounts,
 * recurring-services contracts with service lines for module-billed services (Datto RMM workstations,
 * servers, network devices; IT Glue configurations) and the KaseyaOne organisation mappings an MSP made on
 * BMS's Organization Mapping page. Field names are BMS REST v2's (PascalCase, see SOURCES.md).
 */
import { DEMO_CLIENTS } from '../../demo/msp';

/**
 * Behaviour the published BMS description leaves open, one option per plausible behaviour (SOURCES.md).
 *  - lineRead: how a client reads a contract's service lines. 'contract-detail': GET /v2/finance/contracts/{id}
 *    answers the contract with its Services[] (path seen in one public client, not in Kaseya's swagger);
 *    'none': no such route (the swagger as published).
 *  - lineUpdate: how a client changes an existing line's units. 'put-line': PUT
 *    /v2/finance/contracts/recurringservices/{contractId}/services/{lineId}; 'none': no such route.
 *  - casing: property names in responses. 'pascal' as in the swagger; 'camel' as a public Power Query client
 *    reads them (`result`, `accessToken`), ASP.NET Core's default serialiser.
 *  - rateLimit: how a call past the hourly per-endpoint limit is refused. '429': HTTP 429 with the envelope;
 *    'envelope': HTTP 200 with Success false (the swagger declares only 200 answers).
 */
export interface BmsVariants {
  lineRead: 'contract-detail' | 'none';
  lineUpdate: 'put-line' | 'none';
  casing: 'pascal' | 'camel';
  rateLimit: '429' | 'envelope';
}

export const DEFAULT_VARIANTS: BmsVariants = {
  lineRead: 'contract-detail',
  lineUpdate: 'put-line',
  casing: 'pascal',
  rateLimit: '429',
};

/** Every combination of the variants that changes what a client can do (casing and limits vary separately). */
export const LINE_VARIANTS: ReadonlyArray<Pick<BmsVariants, 'lineRead' | 'lineUpdate'>> = [
  { lineRead: 'contract-detail', lineUpdate: 'put-line' },
  { lineRead: 'contract-detail', lineUpdate: 'none' },
  { lineRead: 'none', lineUpdate: 'put-line' },
  { lineRead: 'none', lineUpdate: 'none' },
];

export interface BmsUser {
  UserName: string;
  Password: string;
  Tenant: string;
}

export interface BmsAccount {
  Id: number;
  AccountCode: string;
  AccountName: string;
  AccountTypeId: number;
  AccountType: string;
  ParentId: number | null;
  IsActive: boolean;
  IsBilling: boolean;
  CurrencyId: number;
  CurrencyName: string;
}

export interface BmsServiceLine {
  Id: number;
  ContractId: number;
  ServiceId: number;
  ServiceName: string;
  Description: string;
  Units: number;
  UnitCost: number;
  UnitPrice: number;
  EffectiveDate: string;
  SortOrder: number;
  CreatedOn: string;
  ModifiedOn: string;
}

export interface BmsContract {
  Id: number;
  ContractName: string;
  AccountId: number;
  TypeId: number;
  TypeName: string;
  ReferenceNumber: string | null;
  StatusId: number;
  StatusName: string;
  ContractNumber: string;
  BillingCycleId: number;
  BillingCycleName: string;
  StartDate: string;
  EndDate: string | null;
  IsDefaultContract: boolean;
}

/** An entry of the service catalogue (Admin > Finance > Services). */
export interface BmsService {
  Id: number;
  Name: string;
  Description: string;
  UnitCost: number;
  UnitPrice: number;
  IsActive: boolean;
}

export interface BmsModule {
  Id: number;
  Name: string;
}

export interface BmsSourceOrganization {
  Id: string;
  Name: string;
  ParentId: string | null;
}

/** An organisation a module (KaseyaOne product) knows: what the mapping page offers under "Not mapped". */
export interface BmsModuleOrganization extends BmsSourceOrganization {
  SourceProductId: number;
  SourceTenantId: string;
}

/** One account's mapping for one module (one-to-many: several organisations per account). */
export interface BmsOrgMapping {
  AccountId: number;
  SourceProductId: number;
  SourceOrganizations: BmsSourceOrganization[];
}

export interface BmsFixture {
  variants: BmsVariants;
  users: BmsUser[];
  /** Calls per endpoint per hour (Kaseya: 1,500). */
  hourlyLimit: number;
  /** Largest PageSize honoured. */
  maxPageSize: number;
  /** Access token lifetime in seconds. */
  accessTokenSeconds: number;
  accounts: BmsAccount[];
  contracts: BmsContract[];
  lines: BmsServiceLine[];
  services: BmsService[];
  modules: BmsModule[];
  moduleOrganizations: BmsModuleOrganization[];
  orgMappings: BmsOrgMapping[];
  k1Connected: boolean;
}

export const DEMO_USER: BmsUser = {
  UserName: 'billing@northwind.example',
  Password: 'bms-demo-pass-5e1b',
  Tenant: 'NorthwindIT',
};
/** Read-only BMS user: may read but not create or change (the API refuses with Success false). */
export const READONLY_USER: BmsUser = {
  UserName: 'viewer@northwind.example',
  Password: 'bms-viewer-pass-22c0',
  Tenant: 'NorthwindIT',
};

export const accountIdOf = (demoId: string): number => 7000 + Number(demoId.slice(1));
export const contractIdOf = (demoId: string): number => 8000 + Number(demoId.slice(1));

/** Catalogue ids. */
export const SERVICE = {
  rmmWorkstation: 501,
  rmmServer: 502,
  rmmNetwork: 503,
  itGlue: 504,
  m365: 505,
  onsite: 506,
} as const;

export const MODULE = { dattoRmm: 11, itGlue: 12 } as const;

const code = (name: string): string =>
  name
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .slice(0, 6)
    .toUpperCase();

export function demoFixture(variants: Partial<BmsVariants> = {}): BmsFixture {
  const accounts: BmsAccount[] = DEMO_CLIENTS.filter((c) => c.psaName !== null).map((c) => ({
    Id: accountIdOf(c.id),
    AccountCode: `${code(c.psaName!)}${c.id.slice(1)}`,
    AccountName: c.psaName!,
    AccountTypeId: c.id === 'c41' ? 2 : 1,
    AccountType: c.id === 'c41' ? 'Internal' : 'Customer',
    ParentId: null,
    IsActive: c.id !== 'c33',
    IsBilling: true,
    CurrencyId: 1,
    CurrencyName: 'USD',
  }));
  const services: BmsService[] = [
    {
      Id: SERVICE.rmmWorkstation,
      Name: 'Managed Workstation',
      Description: 'Datto RMM workstation',
      UnitCost: 3,
      UnitPrice: 12,
      IsActive: true,
    },
    {
      Id: SERVICE.rmmServer,
      Name: 'Managed Server',
      Description: 'Datto RMM server',
      UnitCost: 8,
      UnitPrice: 45,
      IsActive: true,
    },
    {
      Id: SERVICE.rmmNetwork,
      Name: 'Managed Network Device',
      Description: 'Datto RMM network device',
      UnitCost: 1,
      UnitPrice: 6,
      IsActive: true,
    },
    {
      Id: SERVICE.itGlue,
      Name: 'Documentation (IT Glue)',
      Description: 'IT Glue configuration',
      UnitCost: 0.5,
      UnitPrice: 2,
      IsActive: true,
    },
    {
      Id: SERVICE.m365,
      Name: 'Microsoft 365 Business Premium',
      Description: 'Per user',
      UnitCost: 22,
      UnitPrice: 26.4,
      IsActive: true,
    },
    {
      Id: SERVICE.onsite,
      Name: 'On-site visit',
      Description: 'Retired',
      UnitCost: 70,
      UnitPrice: 95,
      IsActive: false,
    },
  ];
  // Recurring-services contracts for the first eight clients; c06 has none (a "create missing" case).
  const withContract = ['c01', 'c02', 'c03', 'c04', 'c05', 'c07', 'c08', 'c09'];
  const contracts: BmsContract[] = withContract.map((id, i) => ({
    Id: contractIdOf(id),
    ContractName: `Managed Services ${DEMO_CLIENTS.find((c) => c.id === id)!.psaName}`,
    AccountId: accountIdOf(id),
    TypeId: 3,
    TypeName: 'Recurring Services',
    ReferenceNumber: null,
    StatusId: 1,
    StatusName: 'Active',
    ContractNumber: `CN-${1000 + i}`,
    BillingCycleId: 3,
    BillingCycleName: 'Monthly',
    StartDate: '2026-01-01T00:00:00',
    EndDate: '2027-12-31T00:00:00',
    IsDefaultContract: true,
  }));
  // A block-hours contract: listed, but not a recurring-services one.
  contracts.push({
    ...contracts[0],
    Id: contractIdOf('c01') + 500,
    ContractName: 'Block hours Acme',
    TypeId: 1,
    TypeName: 'Block Hours',
    ContractNumber: 'CN-2000',
    IsDefaultContract: false,
  });
  let lineId = 90_000;
  const line = (id: string, service: BmsService, units: number): BmsServiceLine => ({
    Id: ++lineId,
    ContractId: contractIdOf(id),
    ServiceId: service.Id,
    ServiceName: service.Name,
    Description: service.Description,
    Units: units,
    UnitCost: service.UnitCost,
    UnitPrice: service.UnitPrice,
    EffectiveDate: '2026-01-01T00:00:00',
    SortOrder: 0,
    CreatedOn: '2026-01-01T09:00:00',
    ModifiedOn: '2026-01-01T09:00:00',
  });
  const svc = (id: number): BmsService => services.find((s) => s.Id === id)!;
  const lines: BmsServiceLine[] = [
    line('c01', svc(SERVICE.rmmWorkstation), 24),
    line('c01', svc(SERVICE.rmmServer), 3),
    line('c01', svc(SERVICE.m365), 22),
    line('c02', svc(SERVICE.rmmWorkstation), 9),
    line('c03', svc(SERVICE.rmmWorkstation), 40),
    line('c03', svc(SERVICE.rmmNetwork), 6),
    line('c04', svc(SERVICE.itGlue), 55),
    line('c05', svc(SERVICE.rmmWorkstation), 14),
  ];
  const modules: BmsModule[] = [
    { Id: MODULE.dattoRmm, Name: 'Datto RMM' },
    { Id: MODULE.itGlue, Name: 'IT Glue' },
  ];
  const rmm = (Id: string, Name: string, ParentId: string | null = null): BmsModuleOrganization => ({
    SourceProductId: MODULE.dattoRmm,
    SourceTenantId: 'northwind-rmm',
    Id,
    Name,
    ParentId,
  });
  const moduleOrganizations: BmsModuleOrganization[] = [
    rmm('site-acme-hq', 'Acme Dental - HQ'),
    rmm('site-acme-north', 'Acme Dental - North clinic', 'site-acme-hq'),
    rmm('site-backerei', 'Backerei Muller'),
    rmm('site-blueharbor', 'Blue Harbor Logistics'),
    rmm('site-crestview', 'Crestview Vet'),
    {
      SourceProductId: MODULE.itGlue,
      SourceTenantId: 'northwind-itg',
      Id: '3300412',
      Name: 'Cedar & Pine Law',
      ParentId: null,
    },
  ];
  const pick = (...ids: string[]) =>
    moduleOrganizations
      .filter((o) => ids.includes(o.Id))
      .map((o) => ({ Id: o.Id, Name: o.Name, ParentId: o.ParentId }));
  const orgMappings: BmsOrgMapping[] = [
    {
      AccountId: accountIdOf('c01'),
      SourceProductId: MODULE.dattoRmm,
      SourceOrganizations: pick('site-acme-hq', 'site-acme-north'),
    },
    {
      AccountId: accountIdOf('c03'),
      SourceProductId: MODULE.dattoRmm,
      SourceOrganizations: pick('site-blueharbor'),
    },
    { AccountId: accountIdOf('c04'), SourceProductId: MODULE.itGlue, SourceOrganizations: pick('3300412') },
  ];
  return {
    variants: { ...DEFAULT_VARIANTS, ...variants },
    users: [DEMO_USER, READONLY_USER],
    hourlyLimit: 1500,
    maxPageSize: 100,
    accessTokenSeconds: 3600,
    accounts,
    contracts,
    lines,
    services,
    modules,
    moduleOrganizations,
    orgMappings,
    k1Connected: true,
  };
}
