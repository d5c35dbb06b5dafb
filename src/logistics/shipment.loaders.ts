import type { EntityManager } from '@mikro-orm/postgresql';
import { rowById, rowsByKey } from '../graphql/batch.js';
import { LogisticsPartner } from './partner.entity.js';
import { Shipment, TrackingEventRecord } from './shipment.entity.js';

/**
 * Per-request loaders of the logistics domain (plain rows, one statement per batch); batch
 * functions answer one result per key, in key order.
 */
export function createLogisticsLoaders(em: EntityManager) {
  const loaders = {
    partnerById: rowById(em, LogisticsPartner),
    shipmentById: rowById(em, Shipment),
    /** A shipment's events, oldest first. */
    eventsByShipment: rowsByKey(em, TrackingEventRecord, 'shipment', (e) => e.shipment.id, [['occurredAt', 'asc'], ['receivedAt', 'asc'], ['id', 'asc']]),
    /** Shipments per client, newest first. */
    shipmentsByClient: rowsByKey(em, Shipment, 'client', (s) => s.client.id, [['createdAt', 'desc'], ['id', 'desc']]),
    /** Shipments per financing deal, newest first. */
    shipmentsByFinancing: rowsByKey(em, Shipment, 'financing', (s) => s.financing?.id ?? '', [['createdAt', 'desc'], ['id', 'desc']]),
  };
  return {
    ...loaders,
    clearAll(): void {
      for (const l of Object.values(loaders)) l.clearAll();
    },
  };
}

export type LogisticsLoaders = ReturnType<typeof createLogisticsLoaders>;
