import { badInput } from './errors.js';

/** Checks of plain input values every layer uses; each failure names the field and the rule. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A trimmed, non-empty string of at most `max` characters. */
export function requiredText(field: string, value: string | null | undefined, max: number): string {
  const text = value?.trim() ?? '';
  if (!text) throw badInput(field, 'must not be empty');
  if (text.length > max) throw badInput(field, `must be at most ${max} characters (got ${text.length})`);
  return text;
}

/** Like `requiredText`, but blank means "none" (null). */
export function optionalText(field: string, value: string | null | undefined, max: number): string | null {
  const text = value?.trim() ?? '';
  if (!text) return null;
  if (text.length > max) throw badInput(field, `must be at most ${max} characters (got ${text.length})`);
  return text;
}

/** An id argument: malformed ids are the caller's mistake, not a database error. */
export function idArg(field: string, value: string): string {
  if (!isUuid(value)) throw badInput(field, 'is not an id this API issued');
  return value.toLowerCase();
}
