import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ClientChange, recordClientChange } from '../src/clients/client.events.js';
import { comparePositions, decodeEventCursor, encodeEventCursor, type Position } from '../src/events/outbox.js';
import { RISK_CONSUMER } from '../src/risk/risk.reactions.js';
import { startTestHub, type TestHub } from './helpers/hub.js';
import { createClient, sql } from './helpers/logistics.js';
import { startPrivatePostgres, type PrivatePostgres } from './helpers/private-postgres.js';
import { healthyStatement, waitFor } from './helpers/risk.js';
import { openStreams, subscribe } from './helpers/ws.js';

/**
 * Outbox positions compare as numbers everywhere: across a transaction id that gains a digit
 * (9 999 → 10 000) and a sequence that gains one inside one transaction (99 999 → 100 000). Sorted
 * as text, `10000` comes before `9990`: events were delivered out of order, skipped, and re-sent.
 *
 * On PostgreSQL the test runs on a server of its own (a fresh cluster: ids start near 700), so
 * that burning ids up to the next power of ten takes a second and does not push the machine's
 * shared server's counter ever higher. Without server binaries it uses DATABASE_URL's server,
 * provided the next power of ten is near enough to burn to.
 */
let hub: TestHub;
let privatePg: PrivatePostgres | null = null;
const MAX_SHARED_BURN = 3_000_000n;

beforeAll(async () => {
  if (process.env.DATABASE_URL) privatePg = await startPrivatePostgres();
  hub = await startTestHub({}, privatePg ? { databaseUrl: privatePg.url } : {});
}, 120_000);
afterAll(async () => {
  await hub?.close();
  await privatePg?.stop();
});

const one = async <T>(q: string, params: unknown[] = []) => (await sql<T>(hub, q, params))[0]!;
const txidNow = async () => BigInt((await one<{ t: string }>('select pg_current_xact_id()::text as t')).t);

/** Burns transaction ids in autocommit until the next one is `target` (or just past it). */
async function burnTo(target: bigint): Promise<void> {
  await sql(hub, `create or replace procedure scf_test_burn(n int) language plpgsql as $$ begin for i in 1..n loop perform pg_current_xact_id(); commit; end loop; end $$`);
  for (;;) {
    const left = target - (await txidNow()) - 1n;
    if (left <= 0n) return;
    const n = left > 100_000n ? 100_000n : left;
    await hub.orm.em.fork().getConnection().execute(`call scf_test_burn(${n.toString()})`);
  }
}

const nextPowerOfTen = (n: bigint) => {
  let p = 10n;
  while (p <= n) p *= 10n;
  return p;
};

async function changeIn(clientId: string, n: number): Promise<void> {
  await hub.orm.em.fork().transactional(async (em: EntityManager) => {
    for (let i = 0; i < n; i++) recordClientChange(em, { clientId, change: ClientChange.UPDATED, fields: ['name'], reason: `change ${i}` });
  });
}

const SUB = `subscription($id: ID!, $after: String) { clientChanged(filter: { clientId: $id }, after: $after) { cursor change } }`;
type Sub = { clientChanged: { cursor: string; change: string } };

describe('outbox positions across a power of ten', () => {
  let clientId = '';
  let txBoundary = 0n;
  let table: Position[] = [];
  const cursorsOf = (results: { data?: Sub | null }[]) => results.map((r) => decodeEventCursor(r.data!.clientChanged.cursor));
  const strictlyIncreasing = (ps: Position[]) => ps.every((p, i) => i === 0 || comparePositions(ps[i - 1]!, p) < 0);

  it('delivers live, in commit order and once each, events whose txid and seq gain a digit', async () => {
    clientId = await createClient(hub, { name: 'Boundary Co.' });
    const start = await txidNow();
    txBoundary = nextPowerOfTen(start + 400n);
    if (!privatePg && process.env.DATABASE_URL && txBoundary - start > MAX_SHARED_BURN) {
      console.log(`outbox positions: the shared server's next power of ten (${txBoundary}) is ${txBoundary - start} ids away; not burning that many`);
      return;
    }
    const live = subscribe<Sub>(hub, SUB, { id: clientId });
    await waitFor(() => Promise.resolve(openStreams(hub)), (n) => n >= 1);

    const t0 = Date.now();
    await burnTo(txBoundary - 12n);
    console.log(`outbox positions: burned ${txBoundary - 12n - start} transaction ids to just below ${txBoundary} in ${Date.now() - t0} ms (${privatePg ? 'private PostgreSQL' : process.env.DATABASE_URL ? 'shared PostgreSQL' : 'embedded'})`);
    // A sequence that gains a digit inside one transaction…
    const seqBoundary = nextPowerOfTen(BigInt((await one<{ s: string }>(`select coalesce(max(seq), 0)::text as s from outbox_event`)).s) + 1000n);
    await sql(hub, `select setval(pg_get_serial_sequence('outbox_event', 'seq'), ?)`, [(seqBoundary - 4n).toString()]);
    await changeIn(clientId, 8);
    // …then one event per transaction across the transaction id's boundary.
    for (let i = 0; i < 24; i++) await changeIn(clientId, 1);

    table = (
      await sql<{ t: string; s: string }>(hub, `select txid::text as t, seq::text as s from outbox_event where aggregate_id = ? and payload->>'change' = 'UPDATED' order by outbox_event.txid, outbox_event.seq`, [clientId])
    ).map((r) => ({ txid: BigInt(r.t), seq: BigInt(r.s) }));
    expect(table).toHaveLength(32);
    // The test crossed both boundaries (else it proves nothing).
    expect(table.some((p) => p.txid < txBoundary) && table.some((p) => p.txid >= txBoundary)).toBe(true);
    expect(table.some((p) => p.seq < seqBoundary) && table.some((p) => p.seq >= seqBoundary)).toBe(true);

    const got = cursorsOf(await live.take(32, 20_000));
    await live.close();
    expect(strictlyIncreasing(got)).toBe(true);
    expect(got).toEqual(table);
  });

  it('replays with `after` from below the boundaries: everything after the cursor, in order, nothing twice', async () => {
    if (!table.length) return;
    const from = table[3]!;
    const resumed = subscribe<Sub>(hub, SUB, { id: clientId, after: encodeEventCursor(from) });
    const got = cursorsOf(await resumed.take(table.length - 4, 20_000));
    await resumed.expectSilence(500);
    await resumed.close();
    expect(got).toEqual(table.slice(4));
  });

  it('runs the durable consumer once per event across the boundary, and a restarted hub re-sends nothing', async () => {
    if (!table.length) return;
    const a = await createClient(hub, { name: 'After Boundary Co.' });
    const b = await createClient(hub, { name: 'Also After Co.' });
    const ADD = `mutation($input: AddFinancialStatementInput!) { addFinancialStatement(input: $input) { id } }`;
    await hub.ok(ADD, { input: healthyStatement(a) });
    await hub.ok(ADD, { input: healthyStatement(b) });
    const assessments = (id: string) => one<{ n: number }>(`select count(*)::int as n from risk_assessment where client_id = ?`, [id]);
    await waitFor(() => assessments(a), (r) => r.n === 1);
    await waitFor(() => assessments(b), (r) => r.n === 1);
    // The consumer's position is the newest event it read, compared as numbers.
    await waitFor(
      () => one<{ at: boolean }>(
        `select (c.txid, c.seq) >= (select o.txid, o.seq from outbox_event o where o.topic = 'risk.statement_added' order by o.txid desc, o.seq desc limit 1) as at from outbox_consumer c where c.name = ?`,
        [RISK_CONSUMER],
      ),
      (r) => r.at,
    );
    expect((await one<{ t: string }>(`select txid::text as t from outbox_consumer where name = ?`, [RISK_CONSUMER])).t.length).toBe(txBoundary.toString().length);

    await hub.restart();
    // The dispatcher starts at the newest settled event: a live subscriber gets only what follows.
    const live = subscribe<Sub>(hub, SUB, { id: clientId });
    await waitFor(() => Promise.resolve(openStreams(hub)), (n) => n >= 1);
    await changeIn(clientId, 1);
    const [fresh] = cursorsOf(await live.take(1, 10_000));
    await live.expectSilence(500);
    await live.close();
    expect(comparePositions(fresh!, table.at(-1)!)).toBeGreaterThan(0);
    // The restarted consumer acts on a new event and on none of the old ones.
    const c = await createClient(hub, { name: 'After Restart Co.' });
    await hub.ok(ADD, { input: healthyStatement(c) });
    await waitFor(() => assessments(c), (r) => r.n === 1);
    expect((await assessments(a)).n).toBe(1);
    expect((await assessments(b)).n).toBe(1);
  });

  it('refuses, naming `after`, a cursor beyond what a position can hold, and goes on serving', async () => {
    for (const text of [`${2n ** 64n}.1`, `1.${2n ** 63n}`, '99999999999999999999.99999999999999999999']) {
      const sub = subscribe<Sub>(hub, SUB, { id: clientId || '00000000-0000-4000-8000-000000000000', after: Buffer.from(text).toString('base64url') });
      const { error } = await sub.ended;
      await sub.close();
      // graphql-ws answers a subscription that cannot start with one result carrying the errors.
      const errors = sub.received.flatMap((r) => r.errors ?? []);
      expect(error).toBeUndefined();
      expect(errors).toHaveLength(1);
      expect(errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }
    expect((await hub.ok<{ viewer: { name: string } }>('{ viewer { name } }')).viewer.name).toBeTruthy();
  });
});
