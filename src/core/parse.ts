import type { z } from 'zod';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

/** Parse with one readable message: the first problem, and where it is when that helps. */
export function parseWith<T>(schema: z.ZodType<T>, input: unknown): ParseResult<T> {
  const r = schema.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  const where = issue && issue.path.length ? ` (at ${issue.path.join('.')})` : '';
  return { ok: false, message: `${issue?.message ?? 'Not valid'}${where}` };
}
