/**
 * The bundle's entry points: every function Apps Script calls by name (simple triggers, menu items,
 * time-driven triggers, and the functions the sidebar calls through google.script.run).
 * gas-webpack-plugin turns each `global.name = ...` assignment into a top-level function declaration,
 * so each needs its own literal line (tests/build/bundle.test.ts checks the list against the bundle;
 * tests/api/entry-points.test.ts keeps the sidebar's lines equal to src/api/functions.ts).
 */
import { registerConnectionTester, sidebarApi } from './api';
import { CONNECTION_TESTERS } from './jobs/testers';
import { dispatch, ensureDispatcher } from './jobs/dispatcher';
import { runScheduled, wakeUp } from './jobs/run';
import { readSchedule, triggerMayRun } from './jobs/schedule';
import { queueSchedule, scheduledRuns } from './jobs/scheduled';
import { effectiveUserEmail } from './platform/identity';
import { deleteTriggers } from './platform/triggers';
import { buildAddonMenu, showSidebar } from './platform/ui';
import { menuPushActiveTab, menuCheckActiveTab } from './api/menu';

declare const global: Record<string, unknown>;

for (const [kind, tester] of Object.entries(CONNECTION_TESTERS)) registerConnectionTester(kind, tester);

function onOpen(): void {
  buildAddonMenu([
    { label: 'Open BillGrid', functionName: 'openSidebar' },
    'separator',
    { label: 'Check this month’s rows', functionName: 'menuCheckActiveTab' },
    { label: 'Push approved rows of this month', functionName: 'menuPushActiveTab' },
  ]);
}

function onInstall(): void {
  onOpen();
}

function openSidebar(): void {
  showSidebar();
}

/** The hourly dispatcher (src/jobs/dispatcher.ts): the one schedule trigger per document. */
function dispatchJobs(): void {
  dispatch();
}

/**
 * A monthly or nightly trigger from before the dispatcher. It runs as its creator: the owner's runs this
 * once (it fires at its time) and hands the schedule over to the dispatcher; another account's does
 * nothing. Either way it removes itself.
 */
function legacyScheduleTrigger(kind: 'monthly' | 'nightly'): void {
  const may = triggerMayRun(effectiveUserEmail());
  deleteTriggers(kind);
  if (!may.ok) {
    console.warn(`BillGrid ${kind} run skipped: ${may.message}`);
    return;
  }
  const schedule = readSchedule();
  if (schedule && scheduledRuns().monthly === null) {
    ensureDispatcher();
    queueSchedule(schedule);
  }
  if (kind === 'monthly') runScheduled('scheduled', schedule?.pullFirst ?? false);
  else runScheduled('nightly', true);
}

function runScheduledMonth(): void {
  legacyScheduleTrigger('monthly');
}

function runNightlySync(): void {
  legacyScheduleTrigger('nightly');
}

// Simple triggers and menu items.
global.onOpen = onOpen;
global.onInstall = onInstall;
global.openSidebar = openSidebar;
global.menuCheckActiveTab = menuCheckActiveTab;
global.menuPushActiveTab = menuPushActiveTab;

// Time-driven triggers: private names (ending in '_'), which google.script.run cannot call.
global.dispatchJobs_ = dispatchJobs;
global.continueJob_ = wakeUp;
// Schedule triggers saved before the dispatcher: each runs once more and hands over to it.
global.runScheduledMonth_ = runScheduledMonth;
global.runNightlySync_ = runNightlySync;

// Sidebar: setup, rights, connections.
global.getSessionInfo = sidebarApi.getSessionInfo;
global.setAdmins = sidebarApi.setAdmins;
global.getSetupState = sidebarApi.getSetupState;
global.finishWizard = sidebarApi.finishWizard;
global.getConnections = sidebarApi.getConnections;
global.saveConnection = sidebarApi.saveConnection;
global.clearConnection = sidebarApi.clearConnection;
global.testConnection = sidebarApi.testConnection;
global.checkConnection = sidebarApi.checkConnection;

// Sidebar: the billing month.
global.listBillingMonths = sidebarApi.listBillingMonths;
global.pullBillingMonth = sidebarApi.pullBillingMonth;
global.listIntegrations = sidebarApi.listIntegrations;
global.listImportProfiles = sidebarApi.listImportProfiles;
global.previewFileImport = sidebarApi.previewFileImport;
global.importFile = sidebarApi.importFile;
global.uploadFileChunk = sidebarApi.uploadFileChunk;
global.renameImportProfile = sidebarApi.renameImportProfile;
global.deleteImportProfile = sidebarApi.deleteImportProfile;
global.drivePickerStatus = sidebarApi.drivePickerStatus;
global.openDrivePicker = sidebarApi.openDrivePicker;
global.finishDrivePick = sidebarApi.finishDrivePick;
global.drivePickResult = sidebarApi.drivePickResult;
global.setIntegrationEnabled = sidebarApi.setIntegrationEnabled;
global.reconcileBillingMonth = sidebarApi.reconcileBillingMonth;
global.reviewBillingMonth = sidebarApi.reviewBillingMonth;
global.approveRows = sidebarApi.approveRows;
global.dryRunPush = sidebarApi.dryRunPush;
global.pushBillingMonth = sidebarApi.pushBillingMonth;
global.estimateMonthQuota = sidebarApi.estimateMonthQuota;
global.getJobProgress = sidebarApi.getJobProgress;
global.continueJobs = sidebarApi.continueJobs;
global.getDefaults = sidebarApi.getDefaults;
global.saveDefaults = sidebarApi.saveDefaults;
global.refreshClients = sidebarApi.refreshClients;
global.assignClient = sidebarApi.assignClient;
global.listCompanies = sidebarApi.listCompanies;
global.listClients = sidebarApi.listClients;
global.unassignClient = sidebarApi.unassignClient;
global.excludeClient = sidebarApi.excludeClient;
global.includeClient = sidebarApi.includeClient;
global.confirmClients = sidebarApi.confirmClients;
global.saveClientOverrides = sidebarApi.saveClientOverrides;
global.listInvoiceChoices = sidebarApi.listInvoiceChoices;
global.listProductMappings = sidebarApi.listProductMappings;
global.assignProduct = sidebarApi.assignProduct;
global.listContractLinks = sidebarApi.listContractLinks;
global.linkContract = sidebarApi.linkContract;
global.setContractProrate = sidebarApi.setContractProrate;
global.createMissingInPsa = sidebarApi.createMissingInPsa;
global.listServiceSync = sidebarApi.listServiceSync;
global.stopServiceSync = sidebarApi.stopServiceSync;
global.resumeServiceSync = sidebarApi.resumeServiceSync;
global.syncServiceNow = sidebarApi.syncServiceNow;
global.rememberLineLinks = sidebarApi.rememberLineLinks;
global.showGridRow = sidebarApi.showGridRow;
global.getPushStatus = sidebarApi.getPushStatus;
global.getLedgerStatus = sidebarApi.getLedgerStatus;
global.acknowledgeLedgerChange = sidebarApi.acknowledgeLedgerChange;
global.getSchedule = sidebarApi.getSchedule;
global.saveSchedule = sidebarApi.saveSchedule;
global.stopSchedule = sidebarApi.stopSchedule;
global.takeOverSchedule = sidebarApi.takeOverSchedule;
