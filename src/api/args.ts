/**
 * Argument checking for every function the sidebar calls: arguments arrive from the browser and are
 * untrusted. A failure throws an Error whose message the sidebar shows as is, so it names the field in
 * the user's words and never echoes the value (it may be a secret typed into the wrong box).
 */
import { z } from 'zod';

export class SidebarError extends Error {
  override name = 'BillGrid';
}

export function parseArg<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const messages = result.error.issues.slice(0, 3).map((issue) => issue.message);
  throw new SidebarError(`${what}: ${[...new Set(messages)].join('; ')}`);
}

/** A short label or kind, not free text. */
export const nameArg = (label: string) =>
  z
    .string({ error: `${label} must be text` })
    .trim()
    .min(1, { error: `${label} is missing` })
    .max(200, { error: `${label} is too long` });
