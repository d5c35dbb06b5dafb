import { badInput } from './errors.js';
import { isUuid } from './text.js';

/** Keyset pagination's plain parts: page sizes and opaque cursors, for every layer. */

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** Validated page size. */
export function pageSize(first: number | undefined | null): number {
  if (first === undefined || first === null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput('first', `must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  return first;
}

/**
 * Cursors are opaque base64url of the sort key values of the last row. A keyset cursor stays
 * stable when rows are inserted before it, unlike an offset.
 */
export function encodeCursor(values: readonly (string | number | null)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number, field = 'after'): (string | number | null)[] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === arity) return parsed as (string | number | null)[];
  } catch {
    /* fall through */
  }
  throw badInput(field, 'is not a cursor this list returned');
}

/**
 * A `[time, id]` cursor (lists ordered by a timestamp, then id): both parts checked, so that a
 * forged or damaged cursor is refused by name rather than failing in the database.
 */
export function decodeTimeIdCursor(cursor: string, field = 'after'): { at: string; id: string } {
  const [at, id] = decodeCursor(cursor, 2, field);
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || typeof id !== 'string' || !isUuid(id)) {
    throw badInput(field, 'is not a cursor this list returned');
  }
  return { at, id };
}
