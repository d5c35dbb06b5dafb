import type { EntityManager } from '@mikro-orm/postgresql';
import { createClientLoaders } from '../clients/client.loaders.js';
import { createFinancingLoaders } from '../financing/financing.loaders.js';
import { createLogisticsLoaders } from '../logistics/shipment.loaders.js';
import { createRiskLoaders } from '../risk/risk.loaders.js';

/** Every DataLoader, fresh per request (or per subscription event): they cache what they read. */
export function createLoaders(em: EntityManager) {
  return {
    clients: createClientLoaders(em),
    financing: createFinancingLoaders(em),
    logistics: createLogisticsLoaders(em),
    risk: createRiskLoaders(em),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
