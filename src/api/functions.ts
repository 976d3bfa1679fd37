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
  invoicePickerArg,
  listClients,
  listInvoiceChoices,
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
  contractProrateInput,
  setContractProrate,
  linkInput,
  lineLinksMonthArg,
  listContractLinks,
  listServiceSync,
  rememberLineLinks,
  resumeServiceSync,
  serviceKey,
  serviceSyncMonthArg,
  stopServiceSync,
  syncServiceNow,
} from './contracts';
import {
  approveFilter,
  approveRows,
  continueJobs,
  dryRunOptions,
  dryRunPush,
  estimateMonthQuota,
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
import {
  deleteImportProfile,
  importFile,
  uploadChunkSchema,
  uploadFileChunk,
  importIntegrationArg,
  importRequestSchema,
  listImportProfiles,
  previewFileImport,
  profileNameArg,
  renameImportProfile,
} from './imports';
import {
  drivePickOutcomeSchema,
  drivePickerStatus,
  drivePickResult,
  finishDrivePick,
  openDrivePicker,
  pickUploadId,
} from './drive-picker';
import { acknowledgeLedgerChange, getLedgerStatus } from './ledger';
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

/**
 * Who may call a function (roles in src/api/rights.ts): 'read' anyone BillGrid runs for, to read; 'editor'
 * the same people (Google runs BillGrid only for those who may edit the spreadsheet), to change something; 'manager' the owner or an admin; 'owner' the owner alone. Each function
 * checks its right itself, before it changes anything; tests/e2e/addon-rights.test.ts holds every
 * function to this list (in the add-on, across two documents).
 */
export type Right = 'read' | 'editor' | 'manager' | 'owner';

interface ServerFunction<A extends readonly Arg[], R> {
  args: A;
  run: (...args: ArgInputs<A>) => R;
  right: Right;
}

const fn = <const A extends readonly Arg[], R>(
  args: A,
  run: (...args: ArgInputs<A>) => R,
  right: Right,
): ServerFunction<A, R> => ({
  args,
  run,
  right,
});

const none = [] as const;
const month = arg(monthArg, 'Billing month');
const kind = arg(connectionKindSchema, 'Connection');

export const SERVER_FUNCTIONS = {
  // Setup, rights, connections.
  getSessionInfo: fn(none, getSessionInfo, 'read'),
  setAdmins: fn([arg(adminsSchema, 'Admins')], setAdmins, 'owner'),
  getSetupState: fn(none, getSetupState, 'read'),
  finishWizard: fn(none, finishWizard, 'editor'),
  getConnections: fn(none, getConnections, 'read'),
  saveConnection: fn(
    [kind, arg(valuesSchema, (a) => `${connectionSpec(String(a[0])).displayName} credentials`)],
    saveConnection,
    'manager',
  ),
  clearConnection: fn([kind], clearConnection, 'manager'),
  testConnection: fn([kind], testConnection, 'editor'),
  checkConnection: fn(
    [kind, arg(checkOptionsSchema.optional(), 'Check options')],
    checkConnection,
    // Read-only probes for editors; naming a test company (write probes) needs a manager.
    'editor',
  ),
  // Clients, products, contracts.
  assignClient: fn([arg(assignment, 'Client mapping')], assignClient, 'editor'),
  listCompanies: fn(none, listCompanies, 'read'),
  listClients: fn(none, listClients, 'read'),
  unassignClient: fn([arg(customerKey, 'Client')], unassignClient, 'editor'),
  excludeClient: fn([arg(exclusion, 'Client')], excludeClient, 'editor'),
  includeClient: fn([arg(customerKey, 'Client')], includeClient, 'editor'),
  confirmClients: fn([arg(z.array(customerKey).max(5000), 'Clients to confirm')], confirmClients, 'editor'),
  saveClientOverrides: fn([arg(overridesInput, 'Client settings')], saveClientOverrides, 'editor'),
  // Reads the PSA: for choosing a client's target invoice, hence editors.
  listInvoiceChoices: fn([arg(invoicePickerArg, 'Client')], listInvoiceChoices, 'editor'),
  listProductMappings: fn([arg(productsMonthArg.optional(), 'Billing month')], listProductMappings, 'read'),
  assignProduct: fn([arg(productAssignment, 'Product mapping')], assignProduct, 'editor'),
  listContractLinks: fn(none, listContractLinks, 'read'),
  linkContract: fn([arg(linkInput, 'Contract link')], linkContract, 'editor'),
  setContractProrate: fn([arg(contractProrateInput, 'Contract proration')], setContractProrate, 'editor'),
  createMissingInPsa: fn([arg(createInput, 'Create in the PSA')], createMissingInPsa, 'editor'),
  listServiceSync: fn([arg(serviceSyncMonthArg.optional(), 'Billing month')], listServiceSync, 'read'),
  stopServiceSync: fn([arg(serviceKey, 'Contract service')], stopServiceSync, 'editor'),
  resumeServiceSync: fn([arg(serviceKey, 'Contract service')], resumeServiceSync, 'editor'),
  // Pushes like pushBillingMonth (writes the Ledger): owner and admins; syncServiceNow checks it too.
  syncServiceNow: fn([arg(serviceKey, 'Contract service')], syncServiceNow, 'manager'),
  rememberLineLinks: fn([arg(lineLinksMonthArg, 'Billing month')], rememberLineLinks, 'editor'),
  refreshClients: fn(none, refreshClients, 'editor'),
  // The billing month.
  listBillingMonths: fn(none, listBillingMonths, 'read'),
  // google.script.run sends an undefined argument as null.
  pullBillingMonth: fn([month, arg(integrationArg.nullish(), 'Integration')], pullBillingMonth, 'editor'),
  listIntegrations: fn(none, listIntegrations, 'read'),
  // Vendor files: each import profile is an integration of its own.
  listImportProfiles: fn(none, listImportProfiles, 'editor'),
  previewFileImport: fn([arg(importRequestSchema, 'Import')], previewFileImport, 'editor'),
  importFile: fn([arg(importRequestSchema, 'Import')], importFile, 'editor'),
  uploadFileChunk: fn([arg(uploadChunkSchema, 'Upload')], uploadFileChunk, 'editor'),
  renameImportProfile: fn(
    [arg(importIntegrationArg, 'Profile'), arg(profileNameArg, 'Name')],
    renameImportProfile,
    'editor',
  ),
  deleteImportProfile: fn([arg(importIntegrationArg, 'Profile')], deleteImportProfile, 'manager'),
  // Import from Google Drive: the pick dialog's configuration status, the dialog, and its outcome.
  drivePickerStatus: fn(none, drivePickerStatus, 'editor'),
  openDrivePicker: fn([arg(pickUploadId, 'Drive pick')], openDrivePicker, 'editor'),
  finishDrivePick: fn([arg(drivePickOutcomeSchema, 'Drive pick')], finishDrivePick, 'editor'),
  drivePickResult: fn([arg(pickUploadId, 'Drive pick')], drivePickResult, 'editor'),
  setIntegrationEnabled: fn(
    [
      arg(integrationArg, 'Integration'),
      arg(z.boolean({ error: 'Enabled must be true or false' }), 'Enabled'),
    ],
    setIntegrationEnabled,
    'manager',
  ),
  reconcileBillingMonth: fn([month], reconcileBillingMonth, 'editor'),
  reviewBillingMonth: fn([month], reviewBillingMonth, 'read'),
  approveRows: fn([month, arg(approveFilter, 'Approval filter')], approveRows, 'editor'),
  dryRunPush: fn([month, arg(dryRunOptions, 'Dry run options')], dryRunPush, 'read'),
  // Owner and admins: the Ledger, which every push writes, is protected for them (src/jobs/ledger-writers.ts).
  pushBillingMonth: fn([month], pushBillingMonth, 'manager'),
  estimateMonthQuota: fn([month], estimateMonthQuota, 'editor'),
  getJobProgress: fn(none, getJobProgress, 'read'),
  continueJobs: fn(none, continueJobs, 'editor'),
  showGridRow: fn([arg(showArgs, 'Row to show')], showGridRow, 'read'),
  getPushStatus: fn([arg(statusMonthArg, 'Billing month')], getPushStatus, 'read'),
  getLedgerStatus: fn(none, getLedgerStatus, 'read'),
  acknowledgeLedgerChange: fn(none, acknowledgeLedgerChange, 'manager'),
  // Defaults and the schedule.
  getDefaults: fn(none, getDefaults, 'read'),
  saveDefaults: fn([arg(billingSettingsSchema, 'Defaults')], saveDefaults, 'manager'),
  getSchedule: fn(none, getSchedule, 'read'),
  saveSchedule: fn([arg(scheduleSchema, 'Schedule')], saveSchedule, 'manager'),
  stopSchedule: fn(none, stopSchedule, 'manager'),
  takeOverSchedule: fn(none, takeOverSchedule, 'manager'),
};

type Functions = typeof SERVER_FUNCTIONS;
export type ServerFunctionName = keyof Functions;
/** The arguments the sidebar passes to a server function. */
export type ServerArgs<K extends ServerFunctionName> = ArgInputs<Functions[K]['args']>;
/** What a server function returns to the sidebar. */
export type ServerResult<K extends ServerFunctionName> = ReturnType<Functions[K]['run']>;
/** The sidebar's view of the server: every function typed on its schemas and its result. */
export type ServerApi = { [K in ServerFunctionName]: (...args: ServerArgs<K>) => ServerResult<K> };

/** Who may call each server function. */
export const RIGHTS: Record<ServerFunctionName, Right> = Object.fromEntries(
  Object.entries(SERVER_FUNCTIONS).map(([name, f]) => [name, f.right]),
) as Record<ServerFunctionName, Right>;

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
