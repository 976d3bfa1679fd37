/**
 * What each `local/sandbox/<id>/index.ts` exports as `sandbox`, by convention: the stand-in for the
 * registered connector with the same id. The workbench, the demo credentials, the bench and the test
 * harnesses reach sandboxes only through this (see local/sandbox/registry.ts), never by name. The server
 * itself is `createSandbox(fixture?)` in the folder's server.ts (started by local/sandbox/framework).
 */
export interface SandboxModule<F = unknown> {
  /** The connector id this sandbox stands in for (src/connectors/registry.ts). */
  id: string;
  /** The demo MSP as this vendor knows it. */
  demoFixture(): F;
  /**
   * The credentials the demo fixture accepts, as a person types them into Connect (the connector's
   * credential field names). Real vendor hosts in them are routed to the sandbox by the emulator.
   */
  demoCredentials(): Record<string, string>;
  /**
   * A PSA's client/company in the demo tenant that a tenant check may name as its test company (write
   * probes run there and remove what they made). Absent for a connector without write probes.
   */
  testCompanyId?: string;
  /**
   * Origins the demo credentials reach beyond the connector's URL prefixes: a vendor whose API lives on
   * each tenant's own host declares no prefix, so its demo host is routed to the sandbox from here.
   */
  demoOrigins?: readonly string[];
  /**
   * A PSA whose demo month is billed from other sources than the default demo month's (e.g. module usage
   * counted by tools of the PSA vendor's own suite): the source connectors `npm start -- --psa <id>`
   * connects with it.
   */
  demoMonthSources?: readonly string[];
}

/**
 * What the workbench's demo MSP (`npm start`) puts into a new workbook for a connector, by convention:
 * `local/sandbox/<folder>/demo-seed.ts` exporting `demoSeed`. The calls run as the spreadsheet's owner,
 * through the built bundle's server functions (as the sidebar would send them), once, when the workbook
 * is created, so a person sees the connector's demo data without typing or uploading it.
 */
export interface DemoSeed {
  /** What the seed preloads, in words (the workbench's log). */
  label: string;
  calls(): Array<{ fn: string; args: unknown[] }>;
}
