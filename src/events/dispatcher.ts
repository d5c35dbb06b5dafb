import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Logger } from 'pino';
import { AsyncQueue } from './async-queue.js';
import { comparePositions, positionOf, type DomainEvent, type Position } from './outbox.js';
import { readSettled, settledHorizon } from './outbox.sql.js';
import { WakeLoop } from './wake-loop.js';
import { DomainError } from '../core/errors.js';
import type { Metrics } from '../core/metrics.js';

const BATCH = 500;
/** Events a subscriber may fall behind before it is dropped (it can resume with `after`). */
const SUBSCRIBER_BUFFER = 10_000;

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
  private readonly loop: WakeLoop;
  private stopped = false;
  private listenClient: pg.Client | null = null;
  private everListened = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly log: Logger,
    private readonly opts: { pollMs: number; listenUrl?: string; metrics?: Metrics },
  ) {
    this.loop = new WakeLoop(() => this.drain(), (err) => this.log.error({ err }, 'outbox dispatch failed; will retry'), opts.pollMs);
  }

  /** Starts after the newest settled event: history is for subscribers that ask with `after`. */
  async start(): Promise<void> {
    this.position = await settledHorizon(this.orm.em.fork());
    // Commits in this process wake the dispatcher at once.
    this.orm.em.getEventManager().registerSubscriber({ afterTransactionCommit: () => this.wake() });
    if (this.opts.listenUrl) await this.listen(this.opts.listenUrl);
    this.loop.wake();
  }

  /**
   * Commits in other hub instances wake this one through NOTIFY (see the outbox trigger). A lost
   * LISTEN connection is opened again with backoff; meanwhile the poll delivers, up to
   * `pollMs` late. A wake on reconnecting catches up on what was notified while it was away.
   */
  private async listen(url: string, attempt = 0): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    let lost = false;
    let connected = false;
    const onLost = (why: string) => {
      if (lost) return;
      lost = true;
      if (this.listenClient === client) this.listenClient = null;
      void client.end().catch(() => undefined);
      if (this.stopped) return;
      // A connection that worked starts the backoff afresh.
      const delay = Math.min(30_000, 500 * 2 ** Math.min(connected ? 0 : attempt, 6));
      this.log.warn({ error: why, retryInMs: delay }, 'outbox LISTEN connection lost; polling until it is back');
      const t = setTimeout(() => {
        if (!this.stopped) void this.listen(url, connected ? 1 : attempt + 1).catch(() => undefined);
      }, delay);
      t.unref();
    };
    client.on('notification', () => this.wake());
    client.on('error', (err) => onLost(err.message));
    client.on('end', () => onLost('connection ended'));
    try {
      await client.connect();
      await client.query('LISTEN scf_outbox');
    } catch (err) {
      // The first connection at start-up must work (the caller fails); later ones retry.
      if (attempt === 0 && !this.listenClient && !this.everListened) {
        lost = true;
        await client.end().catch(() => undefined);
        throw err;
      }
      onLost((err as Error).message);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    connected = true;
    this.everListened = true;
    this.listenClient = client;
    if (attempt > 0) {
      this.log.info('outbox LISTEN connection back');
      this.wake();
    }
  }


  /** Reads the outbox now (coalesced: at most one read runs, and one more is queued). */
  wake(): void {
    this.loop.wake();
  }

  private async drain(): Promise<void> {
    for (;;) {
      const rows = await this.readAfter(this.position, BATCH);
      for (const event of rows) {
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

  private readAfter(after: Position, limit: number, upTo?: Position): Promise<DomainEvent[]> {
    return readSettled(this.orm.em.fork(), { after, upTo, limit });
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
        for (const e of rows) {
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
    await this.loop.stop();
    const listening = this.listenClient;
    this.listenClient = null;
    await listening?.end().catch(() => undefined);
    this.listeners.clear();
    for (const queue of [...this.queues, ...this.internalQueues]) queue.close();
    this.queues.clear();
    this.internalQueues.clear();
  }
}
