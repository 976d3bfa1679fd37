/**
 * Per-call context for the sidebar API: one server call is one Apps Script execution, so properties,
 * the user's email and the editors list are read at most once per call and shared by every helper.
 */
import { activeUserEmail, spreadsheetEditors } from '../platform/identity';
import { customerProperties, SecretStore, SettingsStore } from '../platform/secrets';

export interface ApiContext {
  secrets: SecretStore;
  settings: SettingsStore;
  email(): string;
  /** Null when the editors list cannot be read. */
  editors(): string[] | null;
}

export function apiContext(): ApiContext {
  const bag = customerProperties();
  let email: string | undefined;
  let editors: string[] | null | undefined;
  return {
    secrets: new SecretStore(bag),
    settings: new SettingsStore(bag),
    email: () => (email ??= activeUserEmail()),
    editors: () => (editors === undefined ? (editors = spreadsheetEditors()) : editors),
  };
}
