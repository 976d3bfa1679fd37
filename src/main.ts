/**
 * The bundle's entry points: every function Apps Script calls by name (simple triggers, menu items,
 * time-driven triggers, and the functions the sidebar calls through google.script.run).
 * gas-webpack-plugin turns each `global.name = ...` assignment into a top-level function declaration,
 * so each needs its own literal line (tests/build/bundle.test.ts checks the list against the bundle).
 */
import { registerConnectionTester, sidebarApi } from './api';
import { jobsApi } from './api/jobs';
import { CONNECTION_TESTERS } from './jobs/testers';
import { continueJob, runScheduled } from './jobs/run';
import { readSchedule, triggerMayRun } from './jobs/schedule';
import { effectiveUserEmail } from './platform/identity';
import { deleteTriggers } from './platform/triggers';
import { buildAddonMenu, showSidebar } from './platform/ui';
import { menuPushActiveTab, menuCheckActiveTab } from './api/menu';

declare const global: Record<string, unknown>;

for (const [kind, tester] of Object.entries(CONNECTION_TESTERS)) {
  registerConnectionTester(kind as keyof typeof CONNECTION_TESTERS, tester);
}

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

/**
 * A schedule trigger runs as its creator. Only the recorded schedule owner's triggers run; another
 * account's leftover trigger (an admin who was taken over) removes itself and says so in the log.
 */
function ownsSchedule(kind: 'monthly' | 'nightly'): boolean {
  const may = triggerMayRun(effectiveUserEmail());
  if (may.ok) return true;
  deleteTriggers(kind);
  console.warn(`BillGrid ${kind} run skipped: ${may.message}`);
  return false;
}

function runScheduledMonth(): void {
  if (!ownsSchedule('monthly')) return;
  runScheduled('scheduled', readSchedule()?.pullFirst ?? false);
}

function runNightlySync(): void {
  if (!ownsSchedule('nightly')) return;
  runScheduled('nightly', true);
}

// Simple triggers and menu items.
global.onOpen = onOpen;
global.onInstall = onInstall;
global.openSidebar = openSidebar;
global.menuCheckActiveTab = menuCheckActiveTab;
global.menuPushActiveTab = menuPushActiveTab;

// Time-driven triggers.
global.runScheduledMonth = runScheduledMonth;
global.runNightlySync = runNightlySync;
global.continueJob = continueJob;

// Sidebar: setup, rights, connections.
global.getSessionInfo = sidebarApi.getSessionInfo;
global.setAdmins = sidebarApi.setAdmins;
global.getSetupState = sidebarApi.getSetupState;
global.finishWizard = sidebarApi.finishWizard;
global.getConnections = sidebarApi.getConnections;
global.saveConnection = sidebarApi.saveConnection;
global.clearConnection = sidebarApi.clearConnection;
global.testConnection = sidebarApi.testConnection;

// Sidebar: the billing month.
global.listBillingMonths = jobsApi.listBillingMonths;
global.pullBillingMonth = jobsApi.pullBillingMonth;
global.reconcileBillingMonth = jobsApi.reconcileBillingMonth;
global.reviewBillingMonth = jobsApi.reviewBillingMonth;
global.approveRows = jobsApi.approveRows;
global.dryRunPush = jobsApi.dryRunPush;
global.pushBillingMonth = jobsApi.pushBillingMonth;
global.getJobProgress = jobsApi.getJobProgress;
global.getDefaults = jobsApi.getDefaults;
global.saveDefaults = jobsApi.saveDefaults;
global.refreshClients = jobsApi.refreshClients;
global.assignClient = jobsApi.assignClient;
global.listCompanies = jobsApi.listCompanies;
global.listClients = jobsApi.listClients;
global.unassignClient = jobsApi.unassignClient;
global.confirmClients = jobsApi.confirmClients;
global.saveClientOverrides = jobsApi.saveClientOverrides;
global.listProductMappings = jobsApi.listProductMappings;
global.assignProduct = jobsApi.assignProduct;
global.listContractLinks = jobsApi.listContractLinks;
global.linkContract = jobsApi.linkContract;
global.createMissingInPsa = jobsApi.createMissingInPsa;
global.showGridRow = jobsApi.showGridRow;
global.getPushStatus = jobsApi.getPushStatus;
global.getSchedule = jobsApi.getSchedule;
global.saveSchedule = jobsApi.saveSchedule;
global.stopSchedule = jobsApi.stopSchedule;
global.takeOverSchedule = jobsApi.takeOverSchedule;
