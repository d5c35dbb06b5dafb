import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../core/errors.js';
import { backoffMs, deliver, describeFailure, isTransientFailure, type DeliveryHooks, type Failure } from './consumer-retry.js';
import type { DomainEvent } from './outbox.js';

const EVENT: DomainEvent = { txid: '900', seq: '7', topic: 'risk.statement_added', aggregateId: 'a1', payload: { clientId: 'c1' }, createdAt: new Date() };
const POLICY = { maxAttempts: 3, firstDelayMs: 10, maxDelayMs: 40 };

/** A database error as knex and MikroORM hand it over: the statement prefixed, the row appended. */
function dbError(code: string, message: string): Error {
  const e = new Error(`insert into "risk_assessment" ("id", "client_id") values ('x', 'secret-ish') - ${message}\n - detail: Failing row contains (x, secret-ish).`);
  e.name = code === '23514' ? 'CheckConstraintViolationException' : 'DriverException';
  Object.assign(e, { code });
  return e;
}
const netError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, syscall: 'connect' });

function hooks(over: Partial<DeliveryHooks> & { handle: DeliveryHooks['handle'] }) {
  const seen = { sleeps: [] as number[], parked: [] as Failure[], handled: 0 };
  const h: DeliveryHooks = {
    consumer: 'test.consumer',
    policy: POLICY,
    log: pino({ level: 'silent' }),
    park: async (_e, f) => {
      seen.parked.push(f);
      return true;
    },
    databaseAnswers: async () => true,
    sleep: async (ms) => {
      seen.sleeps.push(ms);
      return true;
    },
    ...over,
    handle: async (e) => {
      seen.handled++;
      return over.handle(e);
    },
  };
  return { h, seen };
}

describe('backoffMs', () => {
  it('doubles from the first wait and stops at the cap, or at the first wait when that is longer', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(POLICY, n))).toEqual([10, 20, 40, 40, 40]);
    expect(backoffMs({ maxAttempts: 5, firstDelayMs: 1000, maxDelayMs: 60_000 }, 7)).toBe(60_000);
    expect(backoffMs({ maxAttempts: 5, firstDelayMs: 90_000, maxDelayMs: 60_000 }, 3)).toBe(90_000);
  });
});

describe('isTransientFailure', () => {
  it('takes a database that does not answer, or says "try again", for the database’s fault', () => {
    for (const err of [
      netError('ECONNREFUSED'),
      netError('ENOENT'), // the embedded database's socket is gone
      Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' }),
      new Error('Connection terminated unexpectedly'),
      dbError('57P01', 'terminating connection due to administrator command'),
      dbError('08006', 'connection failure'),
      dbError('53100', 'could not extend file: No space left on device'),
      dbError('40001', 'could not serialize access due to concurrent update'),
      dbError('40P01', 'deadlock detected'),
      dbError('25006', 'cannot execute INSERT in a read-only transaction'),
      new Error('wrapped', { cause: netError('ECONNRESET') }),
    ]) {
      expect(isTransientFailure(err), err.message).toBe(true);
    }
  });

  it('counts what the database answered about the event, and bugs', () => {
    for (const err of [
      dbError('23514', 'new row for relation "risk_assessment" violates check constraint "c"'),
      dbError('22P02', 'invalid input syntax for type uuid: "nope"'),
      dbError('57014', 'canceling statement due to statement timeout'),
      new TypeError("Cannot read properties of undefined (reading 'tier')"),
      new DomainError('NOT_FOUND', 'Client c1 not found'),
      Object.assign(new Error('no such file'), { code: 'ENOENT', syscall: 'open' }),
    ]) {
      expect(isTransientFailure(err), err.message).toBe(false);
    }
  });
});

describe('describeFailure', () => {
  it('keeps the class, the server’s message and the SQLSTATE, not the statement or the row', () => {
    expect(describeFailure(dbError('23514', 'new row for relation "risk_assessment" violates check constraint "c"'))).toBe(
      'CheckConstraintViolationException: new row for relation "risk_assessment" violates check constraint "c" (SQLSTATE 23514)',
    );
    expect(describeFailure(new TypeError('x is not a function'))).toBe('TypeError: x is not a function');
    expect(describeFailure('a string')).toBe('non-error thrown: string');
  });

  it('truncates a long message', () => {
    const d = describeFailure(new Error('y'.repeat(2000)));
    expect(d).toHaveLength(500);
    expect(d.endsWith('…')).toBe(true);
  });
});

describe('deliver', () => {
  it('parks an event after maxAttempts failures, with backoff between them', async () => {
    const { h, seen } = hooks({ handle: async () => Promise.reject(dbError('23514', 'violates check constraint "c"')) });
    expect(await deliver(EVENT, h)).toBe('parked');
    expect(seen.handled).toBe(3);
    expect(seen.sleeps).toEqual([10, 20]);
    expect(seen.parked).toHaveLength(1);
    expect(seen.parked[0]).toMatchObject({ attempts: 3, error: expect.stringContaining('SQLSTATE 23514') });
    expect(seen.parked[0]!.firstFailedAt.getTime()).toBeLessThanOrEqual(seen.parked[0]!.lastFailedAt.getTime());
  });

  it('does not count failures while the database is away, however many', async () => {
    let n = 0;
    const { h, seen } = hooks({
      handle: async () => {
        if (++n <= 10) throw netError('ECONNREFUSED');
      },
    });
    expect(await deliver(EVENT, h)).toBe('handled');
    expect(seen.handled).toBe(11);
    expect(seen.parked).toEqual([]);
    expect(seen.sleeps.at(-1)).toBe(40); // backed off to the cap
  });

  it('does not count an unrecognised failure when the database does not answer a probe right after', async () => {
    let n = 0;
    const { h, seen } = hooks({
      handle: async () => {
        if (++n <= 5) throw new Error('something odd from the driver');
      },
      databaseAnswers: async () => n > 5,
    });
    expect(await deliver(EVENT, h)).toBe('handled');
    expect(seen.parked).toEqual([]);
    expect(seen.handled).toBe(6);
  });

  it('counts only the failures the database answered, mixed with an outage', async () => {
    const errors = [dbError('23514', 'c'), netError('ECONNRESET'), netError('ECONNRESET'), dbError('23514', 'c'), dbError('23514', 'c')];
    const { h, seen } = hooks({ handle: async () => Promise.reject(errors.shift() ?? new Error('unexpected')) });
    expect(await deliver(EVENT, h)).toBe('parked');
    expect(seen.handled).toBe(5);
    expect(seen.parked[0]!.attempts).toBe(3);
  });

  it('keeps trying to park when parking fails, without counting more attempts', async () => {
    let parks = 0;
    const { h, seen } = hooks({
      handle: async () => Promise.reject(new TypeError('bug')),
      park: async (_e, f) => {
        if (++parks === 1) throw netError('ECONNREFUSED');
        seen.parked.push(f);
        return true;
      },
    });
    expect(await deliver(EVENT, h)).toBe('parked');
    expect(parks).toBe(2);
    expect(seen.handled).toBe(3);
    expect(seen.parked[0]!.attempts).toBe(3);
  });

  it('reports handled when another instance moved past the event before it could park it', async () => {
    const { h } = hooks({ handle: async () => Promise.reject(new TypeError('bug')), park: async () => false });
    expect(await deliver(EVENT, h)).toBe('handled');
  });

  it('stops waiting when the consumer stops', async () => {
    const { h, seen } = hooks({ handle: async () => Promise.reject(new TypeError('bug')), sleep: async () => false });
    expect(await deliver(EVENT, h)).toBe('stopped');
    expect(seen.handled).toBe(1);
    expect(seen.parked).toEqual([]);
  });
});
