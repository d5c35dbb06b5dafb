import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { validIds } from '../graphql/batch.js';
import { LogisticsPartner } from './partner.entity.js';
import { Shipment, TrackingEventRecord } from './shipment.entity.js';


/** Per-request loaders of the logistics domain; batch functions answer one result per key, in key order. */
export function createLogisticsLoaders(em: EntityManager) {
  const partnerById = new DataLoader<string, LogisticsPartner | null>(async (ids) => {
    const wanted = validIds(ids);
    const rows = wanted.length ? await em.find(LogisticsPartner, { id: { $in: wanted } }) : [];
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id.toLowerCase()) ?? null);
  });

  const shipmentById = new DataLoader<string, Shipment | null>(async (ids) => {
    const wanted = validIds(ids);
    const rows = wanted.length ? await em.find(Shipment, { id: { $in: wanted } }) : [];
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id.toLowerCase()) ?? null);
  });

  /** A shipment's events, oldest first. */
  const eventsByShipment = new DataLoader<string, TrackingEventRecord[]>(async (ids) => {
    const wanted = validIds(ids);
    const rows = wanted.length
      ? await em.find(TrackingEventRecord, { shipment: { $in: wanted } }, { orderBy: [{ occurredAt: 'asc' }, { receivedAt: 'asc' }, { id: 'asc' }] })
      : [];
    const map = new Map<string, TrackingEventRecord[]>();
    for (const r of rows) {
      const list = map.get(r.shipment.id);
      if (list) list.push(r);
      else map.set(r.shipment.id, [r]);
    }
    return ids.map((id) => map.get(id.toLowerCase()) ?? []);
  });

  /** Shipments per client / per financing deal, newest first. */
  const children = (fk: 'client' | 'financing') =>
    new DataLoader<string, Shipment[]>(async (ids) => {
      const wanted = validIds(ids);
      const rows = wanted.length ? await em.find(Shipment, { [fk]: { $in: wanted } }, { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }) : [];
      const map = new Map<string, Shipment[]>();
      for (const r of rows) {
        const key = fk === 'client' ? r.client.id : r.financing?.id;
        if (!key) continue;
        const list = map.get(key);
        if (list) list.push(r);
        else map.set(key, [r]);
      }
      return ids.map((id) => map.get(id.toLowerCase()) ?? []);
    });

  const loaders = { partnerById, shipmentById, eventsByShipment, shipmentsByClient: children('client'), shipmentsByFinancing: children('financing') };
  return {
    ...loaders,
    clearAll(): void {
      for (const l of Object.values(loaders)) l.clearAll();
    },
  };
}

export type LogisticsLoaders = ReturnType<typeof createLogisticsLoaders>;
