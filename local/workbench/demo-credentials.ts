/**
 * The sandboxes' demo credentials, shown on the workbench page so an evaluator can fill the Connect
 * screen. They open only the local sandboxes (the fixtures derive them from the demo MSP). Labels are
 * the Connect form's, from each connector's descriptor.
 */
import { connector } from '../../src/connectors/registry';
import { hasSandbox, sandboxOf } from '../sandbox/registry';

export interface DemoCredential {
  kind: string;
  label: string;
  fields: Array<{ label: string; value: string }>;
}

/** Credentials of the sandboxes that are running; a fixture that cannot be read is left out. */
export async function demoCredentials(kinds: string[]): Promise<DemoCredential[]> {
  const out: DemoCredential[] = [];
  for (const kind of kinds) {
    if (!hasSandbox(kind)) continue;
    try {
      const d = connector(kind);
      const values = sandboxOf(kind).demoCredentials();
      out.push({
        kind,
        label: d.displayName,
        fields: d.fields
          .filter((f) => values[f.name] !== undefined)
          .map((f) => ({ label: f.label, value: values[f.name] })),
      });
    } catch {
      // A sandbox still in development: skip its hint.
    }
  }
  return out;
}
