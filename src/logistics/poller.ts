/**
 * Pulling: `pullShipment` (one shipment, now — the poller's unit and `refreshShipment`) and the
 * `Poller`, which leases due shipments in batches so that hubs sharing a database never poll
 * the same one: a short statement claims a batch (`FOR UPDATE SKIP LOCKED`, setting
 * `leased_until`/`leased_by`), the partner is called outside any transaction, and the result
 * is applied with the schedule in a transaction of its own.
 */
import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Metrics } from '../core/metrics.js';
import { ingestTrackingUpdate } from './ingest.service.js';
import type { PartnerClients, PullResult } from './partner-clients.js';
import { LogisticsPartner, PULL_KINDS } from './partner.entity.js';
import { PartnerService } from './partner.service.js';
import type { SecretBox } from './secrets.js';
import { Shipment } from './shipment.entity.js';
import { isTerminal, TERMINAL_STATUSES, TrackingSource } from './tracking.js';

export interface PullReport {
  outcome: PullResult['outcome'];
  message: string | null;
  newEvents: number;
  changed: boolean;
}

/** DHL answers 404 for a new shipment's first 10–30 minutes: look again sooner than the interval. */
const NOT_FOUND_RETRY_S = 15 * 60;
const MAX_BACKOFF_S = 86_400;

/** When to poll next after `result` (null: never, the shipment is done). */
export function nextPollAfter(result: PullResult, shipment: Shipment, partner: LogisticsPartner, failures: number, now: Date): Date | null {
  if (isTerminal(shipment.status) || shipment.trackingStoppedAt) return null;
  const interval = partner.pollIntervalSeconds;
  const at = (s: number) => new Date(now.getTime() + s * 1000);
  switch (result.outcome) {
    case 'ok':
      return at(interval);
    case 'not-found-yet':
      return at(Math.min(interval, NOT_FOUND_RETRY_S));
    case 'quota':
      return new Date(Math.max(result.retryAt.getTime(), at(interval).getTime()));
    case 'failed': {
      const backoff = at(Math.min(interval * 2 ** Math.min(Math.max(failures - 1, 0), 6), MAX_BACKOFF_S));
      return new Date(Math.max(result.retryAt?.getTime() ?? 0, backoff.getTime()));
    }
  }
}

/**
 * Pulls one shipment now and applies what came back with its schedule. `leaseOwner`: the
 * poller that leased it (its lease is released); without one (a manual refresh) a lease held
 * by a poller is left alone.
 */
export async function pullShipment(
  em: EntityManager,
  clients: PartnerClients,
  secrets: SecretBox,
  shipmentId: string,
  opts: { leaseOwner?: string; signal?: AbortSignal; metrics?: Metrics } = {},
): Promise<PullReport> {
  const loaded = await em.findOne(Shipment, { id: shipmentId }, { refresh: true });
  if (!loaded) return { outcome: 'failed', message: 'shipment gone', newEvents: 0, changed: false };
  const partner = await new PartnerService(em, secrets).findWithSecrets({ id: loaded.partner.id });
  if (!partner) return { outcome: 'failed', message: 'partner gone', newEvents: 0, changed: false };
  const result = await clients.pull(partner, loaded, opts.signal);
  if (opts.signal?.aborted) {
    // Shutting down: not the partner's failure. Release the lease; the schedule stays as it was.
    if (opts.leaseOwner !== undefined) {
      await em.nativeUpdate(Shipment, { id: shipmentId, leasedBy: opts.leaseOwner }, { leasedBy: null, leasedUntil: null });
    }
    return { outcome: 'failed', message: 'cancelled', newEvents: 0, changed: false };
  }
  opts.metrics?.polls.inc({ partner: partner.code, outcome: result.outcome });

  return em.transactional(async (tem) => {
    const shipment = await tem.findOne(Shipment, { id: shipmentId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!shipment) return { outcome: result.outcome, message: 'shipment gone', newEvents: 0, changed: false };
    const p = partner;
    let newEvents = 0;
    let changed = false;
    if (result.outcome === 'ok') {
      const r = await ingestTrackingUpdate(tem, p, result.update, TrackingSource.PULL, { shipment });
      newEvents = r.newEvents;
      changed = r.changed;
    }
    const now = new Date();
    shipment.lastPolledAt = now;
    shipment.pollFailures = result.outcome === 'failed' ? shipment.pollFailures + 1 : 0;
    shipment.lastPollError = result.outcome === 'ok' ? null : ('message' in result ? result.message.slice(0, 500) : null);
    if (opts.leaseOwner === undefined || shipment.leasedBy === opts.leaseOwner || shipment.leasedBy == null) {
      shipment.nextPollAt = p.active && PULL_KINDS.has(p.kind) ? nextPollAfter(result, shipment, p, shipment.pollFailures, now) : null;
      if (opts.leaseOwner !== undefined && shipment.leasedBy === opts.leaseOwner) {
        shipment.leasedBy = null;
        shipment.leasedUntil = null;
      }
    }
    await tem.flush();
    return { outcome: result.outcome, message: result.outcome === 'ok' ? null : result.message, newEvents, changed };
  });
}

export interface PollerOptions {
  instanceId: string;
  batchSize: number;
  concurrency: number;
  leaseSeconds: number;
  tickMs: number;
  metrics?: Metrics;
}

interface Claimed {
  id: string;
  partner_code: string;
  lag_seconds: number | string;
}

export class Poller {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly orm: MikroORM,
    private readonly log: Logger,
    private readonly clients: PartnerClients,
    private readonly secrets: SecretBox,
    private readonly opts: PollerOptions,
  ) {}

  start(): void {
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = null;
      });
    }, ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    let polled = 0;
    try {
      polled = await this.runOnce();
    } catch (err) {
      this.log.error({ err }, 'poller tick failed; will retry');
    }
    // A full batch: more may be due at once.
    this.schedule(polled >= this.opts.batchSize ? 0 : this.opts.tickMs);
  }

  /** Leases up to a batch of due shipments (skipping those another hub holds). */
  async claim(): Promise<Claimed[]> {
    const terminal = [...TERMINAL_STATUSES];
    const kinds = [...PULL_KINDS];
    return this.orm.em
      .fork()
      .getConnection()
      .execute<Claimed[]>(
        `update shipment s
            set leased_until = now() + make_interval(secs => ?), leased_by = ?
           from logistics_partner p
          where p.id = s.partner_id
            and s.id in (
              select s2.id from shipment s2 join logistics_partner p2 on p2.id = s2.partner_id
               where p2.active and p2.kind in (${kinds.map(() => '?').join(', ')})
                 and s2.next_poll_at <= now()
                 and (s2.leased_until is null or s2.leased_until < now())
                 and s2.status not in (${terminal.map(() => '?').join(', ')})
                 and s2.tracking_stopped_at is null
               order by s2.next_poll_at
               limit ?
               for update of s2 skip locked)
        returning s.id, p.code as partner_code, extract(epoch from (now() - s.next_poll_at)) as lag_seconds`,
        [this.opts.leaseSeconds, this.opts.instanceId, ...kinds, ...terminal, this.opts.batchSize],
        'all',
      );
  }

  /** One batch: claim, pull each (at most `concurrency` at once), apply. Returns how many were polled. */
  async runOnce(): Promise<number> {
    if (this.stopped) return 0;
    const batch = await this.claim();
    if (!batch.length) return 0;
    const lag = new Map<string, number>();
    for (const c of batch) lag.set(c.partner_code, Math.max(lag.get(c.partner_code) ?? 0, Number(c.lag_seconds)));
    for (const [partner, seconds] of lag) this.opts.metrics?.pollLag.set({ partner }, Math.max(0, seconds));
    let next = 0;
    const worker = async () => {
      while (next < batch.length && !this.stopped) {
        const c = batch[next++]!;
        try {
          await pullShipment(this.orm.em.fork(), this.clients, this.secrets, c.id, {
            leaseOwner: this.opts.instanceId,
            signal: this.abort.signal,
            ...(this.opts.metrics ? { metrics: this.opts.metrics } : {}),
          });
        } catch (err) {
          this.log.error({ err, shipmentId: c.id, partner: c.partner_code }, 'poll failed');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency, batch.length) }, worker));
    // Stopped before these were started: hand them back now, not when their lease runs out, so
    // that another hub polls them at once.
    const unstarted = batch.slice(next).map((c) => c.id);
    if (unstarted.length) {
      await this.orm.em
        .fork()
        .getConnection()
        .execute(
          `update shipment set leased_by = null, leased_until = null where leased_by = ? and id in (${unstarted.map(() => '?').join(', ')})`,
          [this.opts.instanceId, ...unstarted],
          'run',
        );
    }
    return batch.length;
  }

  /** Stops claiming, cancels partner calls in flight and waits for the current batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort.abort();
    await this.running;
  }
}
