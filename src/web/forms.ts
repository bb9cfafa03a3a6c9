// Staff form bodies: read leniently into plain strings (so a re-rendered form keeps what was typed,
// whatever was sent), then checked by a zod schema whose messages are catalogue keys. Failures are
// values, never exceptions: the handler re-renders the form with 422 and the messages.
import type { z } from 'zod';

/** formText reads one form field as trimmed text; missing, repeated or non-text fields read as ''. */
export function formText(value: unknown, max = 10_000): string {
  return typeof value === 'string' ? value.trim().slice(0, max + 1) : '';
}

/** formList reads a field that may be sent several times (checkboxes) as a list of texts. */
export function formList(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter((x): x is string => typeof x === 'string');
}

/** formErrors checks form values against a schema and returns one message key per field that
 *  failed (the first issue of each), or {} when the form is valid. */
export function formErrors(schema: z.ZodType, values: unknown): Record<string, string> {
  const result = schema.safeParse(values);
  const errors: Record<string, string> = {};
  if (result.success) return errors;
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= issue.message;
  }
  return errors;
}
