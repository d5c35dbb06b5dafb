import { ConnectionException } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { Metrics } from '../core/metrics.js';
import type { DomainEvent } from './outbox.js';

/** How an outbox consumer retries an event that fails, and when it gives up on it. */
export interface RetryPolicy {
  /** Failures of one event, counted while the database answers, before it is parked. */
  maxAttempts: number;
  /** Wait before the first retry; doubles with each failure up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
}

/** A run of failures of one event. */
export interface Failure {
  attempts: number;
  firstFailedAt: Date;
  lastFailedAt: Date;
  /** `describeFailure` of the last error. */
  error: string;
}

/** The `n`-th wait (1-based): first, twice that, … capped. */
export function backoffMs(policy: RetryPolicy, n: number): number {
  return Math.min(policy.firstDelayMs * 2 ** Math.max(0, Math.min(n - 1, 30)), Math.max(policy.maxDelayMs, policy.firstDelayMs));
}

const NETWORK_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/**
 * SQLSTATEs by which the database says "not now" rather than "not this": serialization failure,
 * deadlock, lock not available, shutting down / starting up, read-only (a failover under way);
 * the whole classes of connection exceptions (08) and insufficient resources (53, a full disk).
 */
const TRY_AGAIN_STATES = new Set(['40001', '40P01', '55P03', '57P01', '57P02', '57P03', '25006']);
const TRY_AGAIN_CLASSES = new Set(['08', '53']);
/** What pg and knex throw, without a code, when a connection dies or none can be had. */
const CONNECTION_MESSAGES = /Connection terminated|connection error|not queryable|Timeout acquiring a connection|socket hang up|Connection ended/i;

/**
 * Whether a failure is the database's rather than the event's: a lost or refused connection, or
 * an answer that says "try again". Such failures do not count toward parking — an outage must
 * not dead-letter every event that arrives during it.
 */
export function isTransientFailure(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof ConnectionException) return true;
    const { code, name, message, syscall } = e as { code?: unknown; name?: unknown; message?: unknown; syscall?: unknown };
    if (name === 'KnexTimeoutError') return true;
    if (typeof code === 'string') {
      // ENOENT too when connecting: the embedded database's socket is gone.
      if (NETWORK_ERRNOS.has(code) || (syscall === 'connect' && code === 'ENOENT')) return true;
      if (/^[0-9A-Z]{5}$/.test(code) && (TRY_AGAIN_STATES.has(code) || TRY_AGAIN_CLASSES.has(code.slice(0, 2)))) return true;
    }
    if (typeof message === 'string' && CONNECTION_MESSAGES.test(message)) return true;
  }
  return false;
}

const MAX_ERROR_LENGTH = 500;

/**
 * An error as kept in a dead letter and logged: its class and message, truncated. A database
 * error keeps the server's message and SQLSTATE only: knex prefixes the statement with its
 * parameters and the driver appends the failing row's values, which are data, not diagnosis.
 */
export function describeFailure(err: unknown): string {
  if (!(err instanceof Error)) return truncate(`non-error thrown: ${typeof err}`);
  const code = (err as { code?: unknown }).code;
  let message = err.message.split('\n')[0] ?? '';
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !NETWORK_ERRNOS.has(code)) {
    const cut = message.lastIndexOf(' - ');
    if (cut >= 0) message = message.slice(cut + 3);
    message = `${message} (SQLSTATE ${code})`;
  }
  return truncate(`${err.name}: ${message.replace(/\s+/g, ' ').trim()}`);
}

function truncate(s: string): string {
  return s.length > MAX_ERROR_LENGTH ? `${s.slice(0, MAX_ERROR_LENGTH - 1)}…` : s;
}

/** The stack frames only (its first line repeats the raw message), for logs. */
export function stackOf(err: unknown): string | undefined {
  if (!(err instanceof Error) || !err.stack) return undefined;
  return err.stack
    .split('\n')
    .filter((l) => l.trim().startsWith('at '))
    .slice(0, 15)
    .join('\n');
}

export type Delivery = 'handled' | 'parked' | 'stopped';

export interface DeliveryHooks {
  /** The consumer's name, for logs and metrics. */
  consumer: string;
  policy: RetryPolicy;
  log: Logger;
  metrics?: Pick<Metrics, 'consumerRetries' | 'deadLetters'>;
  /** Acts on the event (and advances the position) in one transaction. */
  handle(e: DomainEvent): Promise<unknown>;
  /** Parks it and advances the position past it, in one transaction; false when another consumer instance had already moved past it. */
  park(e: DomainEvent, failure: Failure): Promise<boolean>;
  /** Whether the database answers now: a failure while it does not is not the event's. */
  databaseAnswers(): Promise<boolean>;
  /** Waits `ms`, or less when stopping; false when stopping. */
  sleep(ms: number): Promise<boolean>;
}

/**
 * Delivers one event to a consumer: retries it with backoff while it fails; after
 * `policy.maxAttempts` failures that were the event's (the database answered), parks it. While
 * the database is away it waits and retries without counting, however long that takes: only an
 * event the consumer cannot handle with the database up is stepped over.
 *
 * Attempts are counted in this process: a restart, or another hub sharing the database, starts
 * its own count, so an event may be tried up to `maxAttempts` times per process before one parks it.
 */
export async function deliver(e: DomainEvent, h: DeliveryHooks): Promise<Delivery> {
  const where = { consumer: h.consumer, topic: e.topic, txid: e.txid, seq: e.seq, aggregateId: e.aggregateId };
  // (`as`: TypeScript would narrow a plain initialiser to null for good across the catch.)
  let failure = null as Failure | null;
  // Consecutive failures of any kind: the backoff grows with them.
  let waits = 0;
  for (;;) {
    if (failure && failure.attempts >= h.policy.maxAttempts) {
      try {
        if (await h.park(e, failure)) {
          h.metrics?.deadLetters.inc({ consumer: h.consumer, topic: e.topic });
          h.log.error({ ...where, attempts: failure.attempts, error: failure.error }, 'outbox event parked as a dead letter; going on with the next (retry or discard it: see deadLetters)');
          return 'parked';
        }
        return 'handled'; // another hub moved past it meanwhile
      } catch (err) {
        h.log.error({ ...where, error: describeFailure(err), stack: stackOf(err) }, 'could not park the outbox event; will try again');
        if (!(await h.sleep(backoffMs(h.policy, ++waits)))) return 'stopped';
        continue;
      }
    }
    try {
      await h.handle(e);
      if (failure) h.log.info({ ...where, attempts: failure.attempts }, 'outbox event handled after failures');
      return 'handled';
    } catch (err) {
      const error = describeFailure(err);
      waits++;
      if (isTransientFailure(err) || !(await h.databaseAnswers())) {
        h.metrics?.consumerRetries.inc({ consumer: h.consumer, reason: 'database-unavailable' });
        h.log.warn({ ...where, error, waits }, 'outbox event failed while the database was unavailable; retrying (not counted toward parking)');
      } else {
        const now = new Date();
        failure = { attempts: (failure?.attempts ?? 0) + 1, firstFailedAt: failure?.firstFailedAt ?? now, lastFailedAt: now, error };
        h.metrics?.consumerRetries.inc({ consumer: h.consumer, reason: 'failed' });
        h.log.warn({ ...where, error, stack: stackOf(err), attempt: failure.attempts, maxAttempts: h.policy.maxAttempts }, 'outbox event failed');
      }
      if (failure && failure.attempts >= h.policy.maxAttempts) continue; // parked at once, no wait
      if (!(await h.sleep(backoffMs(h.policy, waits)))) return 'stopped';
    }
  }
}
