/** Helpers shared by the DataLoader batch functions of every domain. */

import { isUuid } from '../core/text.js';

/** Distinct, lower-cased ids that can exist; a malformed one matches nothing instead of failing the batch. */
export const validIds = (ids: readonly string[]): string[] => [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];

/** Rows grouped by a key, each group in the rows' order. */
export function groupBy<V>(rows: readonly V[], keyOf: (v: V) => string): Map<string, V[]> {
  const map = new Map<string, V[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = map.get(key);
    if (list) list.push(row);
    else map.set(key, [row]);
  }
  return map;
}
