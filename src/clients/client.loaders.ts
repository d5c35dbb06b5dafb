import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from './client.entity.js';

/** Per-request loaders of the clients domain. Batch functions return one result per key, in key order. */
export function createClientLoaders(em: EntityManager) {
  return {
    byId: new DataLoader<string, Client | null>(async (ids) => {
      const rows = await em.find(Client, { id: { $in: [...ids] } });
      const map = new Map(rows.map((c) => [c.id, c]));
      return ids.map((id) => map.get(id) ?? null);
    }),
  };
}
