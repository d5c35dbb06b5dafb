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
import type { KeyChecks } from '../auth/key-checks.js';

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
  /** Who presented keys are, cached briefly and forgotten at once on revocation. */
  keys: KeyChecks;
}

/**
 * What every resolver gets. `em` and `loaders` belong to one request; a subscription calls
 * `renew()` before resolving each event, because its context lives as long as it does.
 */
export interface Context {
  hub: Hub;
  requestId: string;
  viewer: Viewer | null;
  readonly em: EntityManager;
  readonly loaders: Loaders;
  renew(): void;
}

/**
 * The EntityManager and loaders are made on first use: a request answered from its viewer alone,
 * or refused before resolving, does not pay for them.
 */
export function createContext(hub: Hub, viewer: Viewer | null, requestId: string): Context {
  let em: EntityManager | null = null;
  let loaders: Loaders | null = null;
  return {
    hub,
    requestId,
    viewer,
    get em() {
      em ??= hub.orm.em.fork();
      return em;
    },
    get loaders() {
      loaders ??= createLoaders(this.em);
      return loaders;
    },
    renew() {
      em = null;
      loaders = null;
    },
  };
}

/** The caller as recorded in histories. Guards have run: there is a viewer. */
export function actorOf(ctx: Context): Actor {
  if (!ctx.viewer) throw unauthenticated();
  return { id: ctx.viewer.id, name: ctx.viewer.name };
}
