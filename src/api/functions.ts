/**
 * The one list of server functions the sidebar may call through google.script.run: for each, its
 * arguments as zod schemas (with the words a failure message starts with) and the function that runs.
 * `sidebarApi` wraps every entry so arguments are checked at the boundary before the function runs; the
 * sidebar's `call()` is typed from this list (argument inputs and results), and src/main.ts exposes each
 * entry as a literal `global.name = sidebarApi.name;` line (a test keeps the two equal).
 */
import { z } from 'zod';
import { billingSettingsSchema } from '../core/settings';
import { scheduleSchema } from '../jobs/schedule';
import { parseArg } from './args';
import {
  assignClient,
  assignment,
  confirmClients,
  customerKey,
  excludeClient,
  exclusion,
  includeClient,
  listClients,
  listCompanies,
  overridesInput,
  saveClientOverrides,
  unassignClient,
} from './clients';
import {
  checkConnection,
  checkOptionsSchema,
  clearConnection,
  getConnections,
  saveConnection,
  testConnection,
  valuesSchema,
} from './connect';
import { connectionKindSchema, connectionSpec } from './connections';
import {
  createInput,
  createMissingInPsa,
  linkContract,
  linkInput,
  listContractLinks,
  listServiceSync,
  resumeServiceSync,
  serviceKey,
  serviceSyncMonthArg,
  stopServiceSync,
} from './contracts';
import {
  approveFilter,
  approveRows,
  dryRunOptions,
  dryRunPush,
  getDefaults,
  getJobProgress,
  getSchedule,
  integrationArg,
  listBillingMonths,
  listIntegrations,
  setIntegrationEnabled,
  monthArg,
  pullBillingMonth,
  pushBillingMonth,
  reconcileBillingMonth,
  refreshClients,
  reviewBillingMonth,
  saveDefaults,
  saveSchedule,
  stopSchedule,
  takeOverSchedule,
} from './jobs';
import { importFile, importRequestSchema, listImportProfiles, previewFileImport } from './imports';
import { assignProduct, listProductMappings, productAssignment, productsMonthArg } from './products';
import { getPushStatus, showGridRow, showArgs, statusMonthArg } from './push-results';
import { adminsSchema, getSessionInfo, setAdmins } from './rights';
import { finishWizard, getSetupState } from './setup';

/** One argument: its schema and the words its failure message starts with. */
interface Arg<S extends z.ZodType = z.ZodType> {
  schema: S;
  /** A fixed label, or one that depends on the arguments before it (already checked). */
  label: string | ((args: readonly unknown[]) => string);
}

const arg = <S extends z.ZodType>(schema: S, label: Arg<S>['label']): Arg<S> => ({ schema, label });

/** What the caller passes: each argument's schema input. */
export type ArgInputs<A extends readonly Arg[]> = { -readonly [I in keyof A]: z.input<A[I]['schema']> };

interface ServerFunction<A extends readonly Arg[], R> {
  args: A;
  run: (...args: ArgInputs<A>) => R;
}

const fn = <const A extends readonly Arg[], R>(
  args: A,
  run: (...args: ArgInputs<A>) => R,
): ServerFunction<A, R> => ({
  args,
  run,
});

const none = [] as const;
const month = arg(monthArg, 'Billing month');
const kind = arg(connectionKindSchema, 'Connection');

export const SERVER_FUNCTIONS = {
  // Setup, rights, connections.
  getSessionInfo: fn(none, getSessionInfo),
  setAdmins: fn([arg(adminsSchema, 'Admins')], setAdmins),
  getSetupState: fn(none, getSetupState),
  finishWizard: fn(none, finishWizard),
  getConnections: fn(none, getConnections),
  saveConnection: fn(
    [kind, arg(valuesSchema, (a) => `${connectionSpec(String(a[0])).displayName} credentials`)],
    saveConnection,
  ),
  clearConnection: fn([kind], clearConnection),
  testConnection: fn([kind], testConnection),
  checkConnection: fn([kind, arg(checkOptionsSchema.optional(), 'Check options')], checkConnection),
  // Clients, products, contracts.
  assignClient: fn([arg(assignment, 'Client mapping')], assignClient),
  listCompanies: fn(none, listCompanies),
  listClients: fn(none, listClients),
  unassignClient: fn([arg(customerKey, 'Client')], unassignClient),
  excludeClient: fn([arg(exclusion, 'Client')], excludeClient),
  includeClient: fn([arg(customerKey, 'Client')], includeClient),
  confirmClients: fn([arg(z.array(customerKey).max(5000), 'Clients to confirm')], confirmClients),
  saveClientOverrides: fn([arg(overridesInput, 'Client settings')], saveClientOverrides),
  listProductMappings: fn([arg(productsMonthArg.optional(), 'Billing month')], listProductMappings),
  assignProduct: fn([arg(productAssignment, 'Product mapping')], assignProduct),
  listContractLinks: fn(none, listContractLinks),
  linkContract: fn([arg(linkInput, 'Contract link')], linkContract),
  createMissingInPsa: fn([arg(createInput, 'Create in the PSA')], createMissingInPsa),
  listServiceSync: fn([arg(serviceSyncMonthArg.optional(), 'Billing month')], listServiceSync),
  stopServiceSync: fn([arg(serviceKey, 'Contract service')], stopServiceSync),
  resumeServiceSync: fn([arg(serviceKey, 'Contract service')], resumeServiceSync),
  refreshClients: fn(none, refreshClients),
  // The billing month.
  listBillingMonths: fn(none, listBillingMonths),
  // google.script.run sends an undefined argument as null.
  pullBillingMonth: fn([month, arg(integrationArg.nullish(), 'Integration')], pullBillingMonth),
  listIntegrations: fn(none, listIntegrations),
  // Vendor files: each import profile is an integration of its own.
  listImportProfiles: fn(none, listImportProfiles),
  previewFileImport: fn([arg(importRequestSchema, 'Import')], previewFileImport),
  importFile: fn([arg(importRequestSchema, 'Import')], importFile),
  setIntegrationEnabled: fn(
    [
      arg(integrationArg, 'Integration'),
      arg(z.boolean({ error: 'Enabled must be true or false' }), 'Enabled'),
    ],
    setIntegrationEnabled,
  ),
  reconcileBillingMonth: fn([month], reconcileBillingMonth),
  reviewBillingMonth: fn([month], reviewBillingMonth),
  approveRows: fn([month, arg(approveFilter, 'Approval filter')], approveRows),
  dryRunPush: fn([month, arg(dryRunOptions, 'Dry run options')], dryRunPush),
  pushBillingMonth: fn([month], pushBillingMonth),
  getJobProgress: fn(none, getJobProgress),
  showGridRow: fn([arg(showArgs, 'Row to show')], showGridRow),
  getPushStatus: fn([arg(statusMonthArg, 'Billing month')], getPushStatus),
  // Defaults and the schedule.
  getDefaults: fn(none, getDefaults),
  saveDefaults: fn([arg(billingSettingsSchema, 'Defaults')], saveDefaults),
  getSchedule: fn(none, getSchedule),
  saveSchedule: fn([arg(scheduleSchema, 'Schedule')], saveSchedule),
  stopSchedule: fn(none, stopSchedule),
  takeOverSchedule: fn(none, takeOverSchedule),
};

type Functions = typeof SERVER_FUNCTIONS;
export type ServerFunctionName = keyof Functions;
/** The arguments the sidebar passes to a server function. */
export type ServerArgs<K extends ServerFunctionName> = ArgInputs<Functions[K]['args']>;
/** What a server function returns to the sidebar. */
export type ServerResult<K extends ServerFunctionName> = ReturnType<Functions[K]['run']>;
/** The sidebar's view of the server: every function typed on its schemas and its result. */
export type ServerApi = { [K in ServerFunctionName]: (...args: ServerArgs<K>) => ServerResult<K> };

/** Check each argument in order (the first failure is the message), then run the function. */
function checked<A extends readonly Arg[], R>(f: ServerFunction<A, R>): (...raw: unknown[]) => R {
  return (...raw) => {
    f.args.forEach((a, i) => {
      parseArg(a.schema, raw[i], typeof a.label === 'string' ? a.label : a.label(raw));
    });
    // The function parses again with the same schemas; its parameters stay `unknown` at the boundary.
    return (f.run as (...args: unknown[]) => R)(...raw);
  };
}

/** Every server function with its arguments checked: what src/main.ts exposes as globals. */
export const sidebarApi = Object.fromEntries(
  Object.entries(SERVER_FUNCTIONS).map(([name, f]) => [
    name,
    checked(f as ServerFunction<readonly Arg[], unknown>),
  ]),
) as unknown as ServerApi;
