import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Logger } from 'pino';
import { AsyncQueue } from './async-queue.js';
import { comparePositions, positionOf, type DomainEvent, type Position } from './outbox.js';
import { DomainError } from '../graphql/errors.js';
import type { Metrics } from '../http/metrics.js';

const BATCH = 500;
/** Events a subscriber may fall behind before it is dropped (it can resume with `after`). */
const SUBSCRIBER_BUFFER = 10_000;

interface Row {
  seq: string;
  txid: string;
  topic: string;
  aggregate_id: string;
  payload: Record<string, unknown>;
  created_at: Date | string;
}

/**
 * Only rows whose writing transaction is older than every transaction still in progress are
 * read, in (txid, seq) order. A transaction that has not committed yet therefore always sorts
 * after everything delivered so far: late commits are held back, never skipped. Read-only
 * transactions have no txid and do not hold delivery back; a long-running writing one does.
 */
const SETTLED = `txid < pg_snapshot_xmin(pg_current_snapshot())`;

/** A `pg_snapshot`: transactions below `xmin` are finished, from `xmax` on not yet started, `xip` in progress. */
export interface Snapshot {
  xmin: bigint;
  xmax: bigint;
  xip: Set<bigint>;
}

/** Parses the text form `xmin:xmax:xip,xip,…`. */
export function parseSnapshot(text: string): Snapshot {
  const [xmin, xmax, xip = ''] = text.split(':');
  return {
    xmin: BigInt(xmin!),
    xmax: BigInt(xmax!),
    xip: new Set(xip ? xip.split(',').map((x) => BigInt(x)) : []),
  };
}

/** Whether transaction `txid` had committed (or aborted) when `snapshot` was taken (`pg_visible_in_snapshot`). */
export function committedIn(snapshot: Snapshot, txid: bigint): boolean {
  return txid < snapshot.xmin || (txid < snapshot.xmax && !snapshot.xip.has(txid));
}

const toEvent = (r: Row): DomainEvent => ({
  seq: r.seq,
  txid: r.txid,
  topic: r.topic,
  aggregateId: r.aggregate_id,
  payload: r.payload,
  // The ORM's driver hands timestamps back as strings.
  createdAt: new Date(r.created_at),
});

export type EventListener = (event: DomainEvent) => void;

/**
 * Tails the outbox and hands each event, once and in order, to in-process listeners and live
 * subscriptions. Each hub instance runs its own, so each delivers every event to its subscribers.
 */
export class OutboxDispatcher {
  private position: Position = { txid: 0n, seq: 0n };
  private listeners = new Set<EventListener>();
  private queues = new Set<AsyncQueue<DomainEvent>>();
  /** Streams of in-process consumers (not subscribers): closed on stop, left out of `streamCount`. */
  private internalQueues = new Set<AsyncQueue<DomainEvent>>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private listenClient: pg.Client | null = null;

  constructor(
    private readonly orm: MikroORM,
    private readonly log: Logger,
    private readonly opts: { pollMs: number; listenUrl?: string; metrics?: Metrics },
  ) {}

  /** Starts after the newest settled event: history is for subscribers that ask with `after`. */
  async start(): Promise<void> {
    const rows = await this.query<{ txid: string; seq: string }>(
      `select txid::text as txid, seq::text as seq from outbox_event where ${SETTLED} order by outbox_event.txid desc, outbox_event.seq desc limit 1`,
    );
    if (rows[0]) this.position = positionOf(rows[0]);
    // Commits in this process wake the dispatcher at once.
    this.orm.em.getEventManager().registerSubscriber({ afterTransactionCommit: () => this.wake() });
    if (this.opts.listenUrl) await this.listen(this.opts.listenUrl);
    this.schedule();
  }

  /** Commits in other hub instances wake this one through NOTIFY (see the outbox trigger). */
  private async listen(url: string): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    client.on('notification', () => this.wake());
    client.on('error', (err) => {
      this.log.warn({ err: err.message }, 'outbox LISTEN connection lost; polling only');
      this.listenClient = null;
    });
    await client.connect();
    await client.query('LISTEN scf_outbox');
    this.listenClient = client;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.wake(), this.opts.pollMs);
    this.timer.unref();
  }

  /** Reads the outbox now (coalesced: at most one read runs, and one more is queued). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.running = this.drain()
      .catch((err: unknown) => this.log.error({ err }, 'outbox dispatch failed; will retry'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        } else {
          this.schedule();
        }
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const rows = await this.readAfter(this.position, BATCH);
      for (const row of rows) {
        const event = toEvent(row);
        this.position = positionOf(event);
        this.opts.metrics?.outboxLag.set((Date.now() - event.createdAt.getTime()) / 1000);
        this.opts.metrics?.outboxDelivered.inc({ topic: event.topic });
        for (const listener of this.listeners) {
          try {
            listener(event);
          } catch (err) {
            this.log.error({ err, topic: event.topic, seq: event.seq }, 'outbox listener failed');
          }
        }
      }
      if (rows.length < BATCH) return;
    }
  }

  private readAfter(after: Position, limit: number, upTo?: Position): Promise<Row[]> {
    const params: unknown[] = [after.txid.toString(), after.seq.toString()];
    let bound = '';
    if (upTo) {
      params.push(upTo.txid.toString(), upTo.seq.toString());
      bound = `and (txid, seq) <= (?::text::xid8, ?::bigint)`;
    }
    params.push(limit);
    return this.query<Row>(
      `select seq::text as seq, txid::text as txid, topic, aggregate_id, payload, created_at
         from outbox_event
        where (txid, seq) > (?::text::xid8, ?::bigint) ${bound} and ${SETTLED}
        order by outbox_event.txid, outbox_event.seq
        limit ?`,
      params,
    );
  }

  private async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.orm.em.fork().getConnection().execute<T[]>(sql, params, 'all');
  }

  /** Live subscriber streams now open (for tests and the subscriptions gauge); in-process consumers' are left out. */
  get streamCount(): number {
    return this.queues.size;
  }

  /** Registers an in-process reaction; returns the unsubscribe function. */
  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Events matching `accept`: first those after `after` that were already delivered (replay, from
   * the table), then live ones, each once and in order. `return()` ends the stream at once, even
   * while it waits for the next event (a suspended async generator could not be stopped so).
   */
  stream(accept: (e: DomainEvent) => boolean, after: Position | null, opts: { internal?: boolean } = {}): AsyncIterableIterator<DomainEvent> {
    const queue = new AsyncQueue<DomainEvent>(
      SUBSCRIBER_BUFFER,
      () => new DomainError('CONFLICT', 'subscriber fell too far behind; resubscribe with `after` set to the last cursor'),
    );
    // Registered before the replay is read: nothing delivered meanwhile can fall between the two.
    const unsubscribe = this.onEvent((e) => {
      if (accept(e)) queue.push(e);
    });
    const set = opts.internal ? this.internalQueues : this.queues;
    set.add(queue);
    const end = () => {
      unsubscribe();
      set.delete(queue);
      queue.close();
    };
    const events = this.replayThenLive(queue, accept, after, this.position);
    return {
      next: () => events.next(),
      return: async () => {
        end();
        return events.return(undefined);
      },
      throw: async (err: unknown) => {
        end();
        return events.throw(err);
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  private async *replayThenLive(
    queue: AsyncQueue<DomainEvent>,
    accept: (e: DomainEvent) => boolean,
    after: Position | null,
    replayUpTo: Position,
  ): AsyncGenerator<DomainEvent, undefined> {
    // A live-only subscriber gets what commits from now on. An event committed before it
    // subscribed may still be held back (a slower transaction kept it below the horizon) and
    // arrive later: the snapshot taken here tells such events apart, and they are skipped.
    const before = after ? null : await this.currentSnapshot();
    // Everything delivered up to `replayUpTo` is replayed from the table; everything later arrives live.
    let last = after;
    if (after && comparePositions(after, replayUpTo) < 0) {
      let from = after;
      for (;;) {
        const rows = await this.readAfter(from, BATCH, replayUpTo);
        for (const row of rows) {
          const e = toEvent(row);
          from = positionOf(e);
          if (accept(e)) yield e;
        }
        if (rows.length < BATCH) break;
      }
      last = replayUpTo;
    }
    for await (const e of queue) {
      if (last && comparePositions(positionOf(e), last) <= 0) continue;
      if (before && committedIn(before, BigInt(e.txid))) continue;
      yield e;
    }
    return undefined;
  }

  private async currentSnapshot(): Promise<Snapshot> {
    const [row] = await this.query<{ snapshot: string }>('select pg_current_snapshot()::text as snapshot');
    return parseSnapshot(row!.snapshot);
  }

  /** Closes every live stream (their subscribers see completion) and stops tailing. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.listenClient?.end().catch(() => undefined);
    this.listeners.clear();
    for (const queue of [...this.queues, ...this.internalQueues]) queue.close();
    this.queues.clear();
    this.internalQueues.clear();
  }
}
