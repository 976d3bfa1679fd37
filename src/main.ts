/**
 * The bundle's entry points: every function Apps Script calls by name (simple triggers, menu items,
 * time-driven triggers, and the functions the sidebar calls through google.script.run).
 * gas-webpack-plugin turns each `global.name = ...` assignment into a top-level function declaration.
 */
import { buildAddonMenu, showSidebar } from './platform/ui';

declare const global: Record<string, unknown>;

function onOpen(): void {
  buildAddonMenu([{ label: 'Open BillGrid', functionName: 'openSidebar' }]);
}

function onInstall(): void {
  onOpen();
}

function openSidebar(): void {
  showSidebar();
}

global.onOpen = onOpen;
global.onInstall = onInstall;
global.openSidebar = openSidebar;
