import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Metrics } from '../core/metrics.js';
import { metricsObserver, PartnerClients } from './partner-clients.js';
import { PartnerService, PushPartnerReader } from './partner.service.js';
import { PushBatcher } from './push-batch.service.js';
import type { ResilienceOptions } from './partners/common/partner-http.js';
import type { SecretBox } from './secrets.js';

/** The logistics domain's process-wide parts: the secrets key, the partner clients, this hub's lease name. */
export interface LogisticsRuntime {
  secrets: SecretBox;
  clients: PartnerClients;
  /** Names this process in shipment leases (`leased_by`). */
  instanceId: string;
  /** The group commit of verified webhook pushes. */
  pushes: PushBatcher;
  /** The partner reads of concurrent webhook pushes, in one statement. */
  pushPartners: PushPartnerReader;
}

export function createLogisticsRuntime(orm: MikroORM, metrics: Metrics, secrets: SecretBox, log: Logger, resilience: Partial<ResilienceOptions> = {}): LogisticsRuntime {
  return {
    secrets,
    clients: new PartnerClients(() => new PartnerService(orm.em.fork(), secrets), metricsObserver(metrics), resilience),
    instanceId: `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    pushes: new PushBatcher(orm, log.child({ component: 'webhook-batches' })),
    pushPartners: new PushPartnerReader(orm),
  };
}
