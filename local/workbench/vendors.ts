/**
 * The vendors' real HTTPS origins, as the bundle writes them, and the sandbox that stands in for each.
 * The emulator's UrlFetchApp sends a request for one of these origins to the mapped sandbox.
 */
export const VENDOR_ORIGINS: Record<string, string[]> = {
  twilio: ['https://api.twilio.com'],
  pax8: ['https://api.pax8.com', 'https://login.pax8.com', 'https://token-manager.pax8.com'],
  autotask: ['https://webservices.autotask.net', 'https://*.autotask.net'],
  halo: ['https://*.halopsa.com'],
};

/** Sandboxes the workbench starts when their folder exists. */
export const WORKBENCH_SANDBOXES = Object.keys(VENDOR_ORIGINS);

export function urlMapFor(sandboxUrls: Record<string, string>): Record<string, string> {
  const map: Record<string, string> = {};
  for (const [kind, origins] of Object.entries(VENDOR_ORIGINS)) {
    const target = sandboxUrls[kind];
    if (target) for (const o of origins) map[o] = target;
  }
  return map;
}
