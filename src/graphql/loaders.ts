import type { EntityManager } from '@mikro-orm/postgresql';
import { createClientLoaders } from '../clients/client.loaders.js';
import { createFinancingLoaders } from '../financing/financing.loaders.js';
import { createLogisticsLoaders } from '../logistics/shipment.loaders.js';
import { createRiskLoaders } from '../risk/risk.loaders.js';

export interface Loaders {
  readonly clients: ReturnType<typeof createClientLoaders>;
  readonly financing: ReturnType<typeof createFinancingLoaders>;
  readonly logistics: ReturnType<typeof createLogisticsLoaders>;
  readonly risk: ReturnType<typeof createRiskLoaders>;
}

/**
 * Every DataLoader, fresh per request (or per subscription event): they cache what they read.
 * Each domain's set is made when a resolver first asks for it: a list of clients builds no
 * financing or logistics loaders.
 */
export function createLoaders(em: EntityManager): Loaders {
  let clients: Loaders['clients'] | undefined;
  let financing: Loaders['financing'] | undefined;
  let logistics: Loaders['logistics'] | undefined;
  let risk: Loaders['risk'] | undefined;
  return {
    get clients() {
      return (clients ??= createClientLoaders(em));
    },
    get financing() {
      return (financing ??= createFinancingLoaders(em));
    },
    get logistics() {
      return (logistics ??= createLogisticsLoaders(em));
    },
    get risk() {
      return (risk ??= createRiskLoaders(em));
    },
  };
}
