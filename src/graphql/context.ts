import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Actor } from '../core/actor.js';
import { unauthenticated } from '../core/errors.js';
import type { Viewer } from '../auth/viewer.js';
import type { OutboxConsumerRegistry } from '../events/consumer-registry.js';
import type { OutboxDispatcher } from '../events/dispatcher.js';
import type { Metrics } from '../core/metrics.js';
import type { LogisticsRuntime } from '../logistics/runtime.js';
import { createLoaders, type Loaders } from './loaders.js';

/** Process-wide dependencies. */
export interface Hub {
  config: Config;
  orm: MikroORM;
  log: Logger;
  metrics: Metrics;
  dispatcher: OutboxDispatcher;
  logistics: LogisticsRuntime;
  /** Outbox consumers running in this hub, for retrying their dead letters. */
  consumers: OutboxConsumerRegistry;
}

/**
 * What every resolver gets. `em` and `loaders` belong to one request; a subscription calls
 * `renew()` before resolving each event, because its context lives as long as it does.
 */
export interface Context {
  hub: Hub;
  requestId: string;
  viewer: Viewer | null;
  em: EntityManager;
  loaders: Loaders;
  renew(): void;
}

export function createContext(hub: Hub, viewer: Viewer | null, requestId: string): Context {
  const ctx: Context = {
    hub,
    requestId,
    viewer,
    em: hub.orm.em.fork(),
    loaders: undefined as unknown as Loaders,
    renew() {
      ctx.em = hub.orm.em.fork();
      ctx.loaders = createLoaders(ctx.em);
    },
  };
  ctx.loaders = createLoaders(ctx.em);
  return ctx;
}

/** The caller as recorded in histories. Guards have run: there is a viewer. */
export function actorOf(ctx: Context): Actor {
  if (!ctx.viewer) throw unauthenticated();
  return { id: ctx.viewer.id, name: ctx.viewer.name };
}
