import 'reflect-metadata';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientStatus } from '../src/clients/client.enums.js';
import { addMonths, anniversaryReviewOn } from '../src/clients/review-schedule.js';
import { usccFromNumber } from '../src/clients/uscc.js';
import { MIGRATIONS } from '../src/db/migrations/index.js';
import { initOrm } from '../src/db/orm.js';
import { createScratchDatabase } from '../src/db/scratch.js';
import { addDays, businessDate } from '../src/financing/financing.rules.js';
import { AlertKind, Severity } from '../src/risk/alert.enums.js';
import { AlertService } from '../src/risk/alert.service.js';
import { Role, startTestHub, type TestHub } from './helpers/hub.js';
import { createClient as createTestClient, sql } from './helpers/logistics.js';

let hub: TestHub;
const keys = {} as Record<'rm' | 'risk' | 'viewer', string>;

beforeAll(async () => {
  hub = await startTestHub();
  [keys.rm, keys.risk, keys.viewer] = await Promise.all([hub.keyFor(Role.RELATIONSHIP_MANAGER), hub.keyFor(Role.RISK_OFFICER), hub.keyFor(Role.VIEWER)]);
});
afterAll(async () => {
  await hub?.close();
});

const TODAY = businessDate(new Date());
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const createClient = (status: string, extra: Record<string, unknown> = {}) => createTestClient(hub, { kind: 'SUPPLIER', status, ...extra });

const CLIENT = `query($id: ID!) { client(id: $id) { id status nextReviewDate
  riskReviews { id reviewedOn outcome note reviewer tier score status nextReviewDate createdAt client { id } } } }`;
const RECORD = `mutation($input: RecordRiskReviewInput!) { recordRiskReview(input: $input) {
  id reviewedOn outcome note reviewer tier score status nextReviewDate client { id status nextReviewDate } } }`;
const CHANGE_STATUS = `mutation($input: ChangeClientStatusInput!) { changeClientStatus(input: $input) { status nextReviewDate } }`;
const ASSESS = `mutation($id: ID!) { assessClientRisk(clientId: $id) { score tier } }`;

interface ReviewRow {
  id: string;
  reviewedOn: string;
  outcome: string;
  note: string;
  reviewer: string;
  tier: string | null;
  score: number | null;
  status: string;
  nextReviewDate: string | null;
  client: { id: string; status?: string; nextReviewDate?: string | null };
}
interface ClientRow {
  id: string;
  status: string;
  nextReviewDate: string | null;
  riskReviews: ReviewRow[];
}

const clientOf = async (id: string) => (await hub.ok<{ client: ClientRow }>(CLIENT, { id })).client;
const record = async (input: Record<string, unknown>, key = keys.risk) => (await hub.ok<{ recordRiskReview: ReviewRow }>(RECORD, { input }, key)).recordRiskReview;
const refusal = async (input: Record<string, unknown>, key?: string) => {
  const res = await hub.gql(RECORD, { input }, key ? { key } : {});
  expect(res.body.data ?? null).toBeNull();
  return res.body.errors?.[0];
};
const changeStatus = async (id: string, status: string) =>
  (await hub.ok<{ changeClientStatus: { status: string; nextReviewDate: string | null } }>(CHANGE_STATUS, { input: { id, status } })).changeClientStatus;
const eventsOf = (topic: string, aggregateId: string) =>
  sql<{ payload: Record<string, unknown> }>(hub, 'select payload from outbox_event where topic = ? and aggregate_id = ? order by seq', [topic, aggregateId]);

describe('the next review date of a client', () => {
  it('is a quarter ahead for a new ACTIVE client, a month for WATCHLIST, and none for a PROSPECT', async () => {
    const active = await createClient('ACTIVE');
    const watched = await createClient('WATCHLIST');
    const prospect = await createClient('PROSPECT');
    expect((await clientOf(active)).nextReviewDate).toBe(addMonths(TODAY, 3));
    expect((await clientOf(watched)).nextReviewDate).toBe(addMonths(TODAY, 1));
    expect((await clientOf(prospect)).nextReviewDate).toBeNull();
  });

  it('follows status changes: set on becoming ACTIVE, brought forward by the watch list, cleared outside', async () => {
    const id = await createClient('PROSPECT');
    expect(await changeStatus(id, 'ACTIVE')).toEqual({ status: 'ACTIVE', nextReviewDate: addMonths(TODAY, 3) });
    expect(await changeStatus(id, 'WATCHLIST')).toEqual({ status: 'WATCHLIST', nextReviewDate: addMonths(TODAY, 1) });
    // Back to ACTIVE keeps the sooner date.
    expect(await changeStatus(id, 'ACTIVE')).toEqual({ status: 'ACTIVE', nextReviewDate: addMonths(TODAY, 1) });
    expect(await changeStatus(id, 'SUSPENDED')).toEqual({ status: 'SUSPENDED', nextReviewDate: null });
    // Through updateClient too.
    const updated = await hub.ok<{ updateClient: { status: string; nextReviewDate: string | null } }>(
      `mutation($input: UpdateClientInput!) { updateClient(input: $input) { status nextReviewDate } }`,
      { input: { id, status: 'ACTIVE' } },
    );
    expect(updated.updateClient).toEqual({ status: 'ACTIVE', nextReviewDate: addMonths(TODAY, 3) });

    const changes = (await eventsOf('client.changed', id)).map((e) => e.payload);
    expect(changes.slice(1).map((p) => [p.change, p.fields])).toEqual([
      ['STATUS_CHANGED', ['status', 'nextReviewDate']],
      ['STATUS_CHANGED', ['status', 'nextReviewDate']],
      ['STATUS_CHANGED', ['status']],
      ['STATUS_CHANGED', ['status', 'nextReviewDate']],
      ['STATUS_CHANGED', ['status', 'nextReviewDate']],
    ]);
  });

  it('is held by the database: an ACTIVE client without one, or a PROSPECT with one, is refused', async () => {
    const active = await createClient('ACTIVE');
    const prospect = await createClient('PROSPECT');
    await expect(sql(hub, 'update client set next_review_on = null where id = ?', [active])).rejects.toThrow(/client_next_review_chk/);
    await expect(sql(hub, 'update client set next_review_on = ? where id = ?', [TODAY, prospect])).rejects.toThrow(/client_next_review_chk/);
  });
});

describe('recordRiskReview', () => {
  it('sets the next review date and keeps the history with the tier and score of the time', async () => {
    const id = await createClient('ACTIVE', { creditRating: 'AA' });
    const first = await record({ clientId: id, outcome: 'MAINTAIN', note: '  First look: no statements yet.  ' });
    expect(first).toMatchObject({
      reviewedOn: TODAY,
      outcome: 'MAINTAIN',
      note: 'First look: no statements yet.',
      reviewer: `test ${Role.RISK_OFFICER}`,
      tier: null,
      score: null,
      status: 'ACTIVE',
      nextReviewDate: addMonths(TODAY, 3),
      client: { id, status: 'ACTIVE', nextReviewDate: addMonths(TODAY, 3) },
    });

    const assessed = (await hub.ok<{ assessClientRisk: { score: number; tier: string } }>(ASSESS, { id })).assessClientRisk;
    const next = addDays(TODAY, 40);
    const second = await record({ clientId: id, outcome: 'REDUCE_EXPOSURE', note: 'Trim the line at renewal.', nextReviewDate: next });
    expect(second).toMatchObject({ outcome: 'REDUCE_EXPOSURE', tier: assessed.tier, score: assessed.score, nextReviewDate: next, status: 'ACTIVE' });

    const client = await clientOf(id);
    expect(client.nextReviewDate).toBe(next);
    expect(client.riskReviews.map((r) => [r.id, r.outcome, r.tier])).toEqual([
      [second.id, 'REDUCE_EXPOSURE', assessed.tier],
      [first.id, 'MAINTAIN', null],
    ]);
    expect(client.riskReviews.every((r) => r.client.id === id)).toBe(true);

    const [event] = await eventsOf('risk.review_recorded', second.id);
    expect(event!.payload).toEqual({ reviewId: second.id, clientId: id, outcome: 'REDUCE_EXPOSURE', reviewedOn: TODAY, nextReviewOn: next, status: 'ACTIVE' });
    // The client's review date changed: clientChanged says so.
    const changes = (await eventsOf('client.changed', id)).map((e) => e.payload);
    expect(changes.at(-1)).toMatchObject({ change: 'UPDATED', fields: ['nextReviewDate'] });
  });

  it('counts the next review from a backdated review date', async () => {
    const id = await createClient('ACTIVE');
    const reviewedOn = addDays(TODAY, -10);
    const r = await record({ clientId: id, outcome: 'MAINTAIN', note: 'Entered late.', reviewedOn });
    expect(r).toMatchObject({ reviewedOn, nextReviewDate: addMonths(reviewedOn, 3) });
  });

  it('moves the client through its status path: WATCHLIST (monthly), REINSTATE (quarterly), EXIT (suspended, off the schedule)', async () => {
    const id = await createClient('ACTIVE');
    const watch = await record({ clientId: id, outcome: 'WATCHLIST', note: 'Two late instalments.' });
    expect(watch).toMatchObject({ status: 'WATCHLIST', nextReviewDate: addMonths(TODAY, 1), client: { status: 'WATCHLIST', nextReviewDate: addMonths(TODAY, 1) } });
    const changes = (await eventsOf('client.changed', id)).map((e) => e.payload);
    expect(changes.at(-1)).toEqual({
      clientId: id,
      change: 'STATUS_CHANGED',
      fields: ['status', 'nextReviewDate'],
      reason: `risk review of ${TODAY}: WATCHLIST`,
    });

    // Watching a watched client keeps watching it; it is not a move.
    const again = await record({ clientId: id, outcome: 'WATCHLIST', note: 'Still one instalment late.', nextReviewDate: addDays(TODAY, 20) });
    expect(again).toMatchObject({ status: 'WATCHLIST', nextReviewDate: addDays(TODAY, 20) });
    const back = await record({ clientId: id, outcome: 'REINSTATE', note: 'Arrears cleared.' });
    expect(back).toMatchObject({ status: 'ACTIVE', nextReviewDate: addMonths(TODAY, 3) });

    const withDate = await refusal({ clientId: id, outcome: 'EXIT', note: 'Wind down.', nextReviewDate: addDays(TODAY, 30) });
    expect(withDate?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.nextReviewDate' });
    const exit = await record({ clientId: id, outcome: 'EXIT', note: 'Wind down: no renewal.' });
    expect(exit).toMatchObject({ status: 'SUSPENDED', nextReviewDate: null, client: { status: 'SUSPENDED', nextReviewDate: null } });

    const suspended = await refusal({ clientId: id, outcome: 'MAINTAIN', note: 'Again.' });
    expect(suspended?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.clientId', current: 'SUSPENDED' });
    expect((await clientOf(id)).riskReviews.map((r) => r.outcome)).toEqual(['EXIT', 'REINSTATE', 'WATCHLIST', 'WATCHLIST']);

    const active = await createClient('ACTIVE');
    const notWatched = await refusal({ clientId: active, outcome: 'REINSTATE', note: 'Nothing to reinstate.' });
    expect(notWatched?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.outcome', current: 'ACTIVE' });
  });

  it('refuses bad input naming the field, and writes nothing', async () => {
    const id = await createClient('ACTIVE');
    const before = (await clientOf(id)).nextReviewDate;
    const base = { clientId: id, outcome: 'MAINTAIN', note: 'Fine.' };
    const cases: [Record<string, unknown>, string, string][] = [
      [{ reviewedOn: addDays(TODAY, 1) }, 'BAD_USER_INPUT', 'input.reviewedOn'],
      [{ nextReviewDate: TODAY }, 'BAD_USER_INPUT', 'input.nextReviewDate'],
      [{ reviewedOn: addDays(TODAY, -5), nextReviewDate: addDays(TODAY, -6) }, 'BAD_USER_INPUT', 'input.nextReviewDate'],
      [{ nextReviewDate: addMonths(TODAY, 13) }, 'BAD_USER_INPUT', 'input.nextReviewDate'],
      [{ note: '   ' }, 'BAD_USER_INPUT', 'input.note'],
      [{ clientId: 'not-an-id' }, 'BAD_USER_INPUT', 'input.clientId'],
      [{ clientId: UNKNOWN }, 'NOT_FOUND', 'input.clientId'],
    ];
    for (const [over, code, field] of cases) {
      const err = await refusal({ ...base, ...over });
      expect(err?.extensions, JSON.stringify(over)).toMatchObject({ code, field });
      expect(err?.message.startsWith(field), err?.message).toBe(true);
    }
    const prospect = await createClient('PROSPECT');
    expect((await refusal({ ...base, clientId: prospect }))?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.clientId' });

    expect(await sql(hub, 'select 1 from risk_review where client_id in (?, ?)', [id, prospect])).toHaveLength(0);
    expect((await clientOf(id)).nextReviewDate).toBe(before);

    // A late entry of an older review must not undo the schedule a newer one set.
    await record({ ...base, reviewedOn: addDays(TODAY, -3) });
    const older = await refusal({ ...base, reviewedOn: addDays(TODAY, -20) });
    expect(older?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.reviewedOn' });
  });

  it('is for ADMIN and RISK_OFFICER only', async () => {
    const id = await createClient('ACTIVE');
    const input = { clientId: id, outcome: 'MAINTAIN', note: 'Fine.' };
    expect((await refusal(input, keys.viewer))?.extensions?.code).toBe('FORBIDDEN');
    expect((await refusal(input, keys.rm))?.extensions?.code).toBe('FORBIDDEN');
    expect((await hub.gql(RECORD, { input }, { key: null })).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await sql(hub, 'select 1 from risk_review where client_id = ?', [id])).toHaveLength(0);
    expect((await record(input, hub.adminKey)).reviewer).toBe('bootstrap admin');
    // Readers see the history.
    const seen = await hub.ok<{ client: { riskReviews: { outcome: string }[] } }>(`query($id: ID!) { client(id: $id) { riskReviews { outcome } } }`, { id }, keys.viewer);
    expect(seen.client.riskReviews).toEqual([{ outcome: 'MAINTAIN' }]);
  });

  it('resolves an open REVIEW_DUE alert of the client, unless the review leaves it due still', async () => {
    const raiseDue = (clientId: string) =>
      hub.orm.em.fork().transactional((tem: EntityManager) =>
        new AlertService(tem).raise(tem, { kind: AlertKind.REVIEW_DUE, severity: Severity.WARNING, clientId, subjectType: 'CLIENT', subjectId: clientId, message: 'review due' }),
      );
    const alertOf = async (clientId: string) =>
      (await sql<{ status: string; resolved_by: string | null; resolution_note: string | null }>(
        hub,
        `select status, resolved_by, resolution_note from alert where kind = 'REVIEW_DUE' and subject_id = ?`,
        [clientId],
      ))[0];

    const id = await createClient('ACTIVE');
    await raiseDue(id);
    // Backdated four months: the next date it gives is already past, so the review is still due.
    const late = addMonths(TODAY, -4);
    const stillDue = await record({ clientId: id, outcome: 'MAINTAIN', note: 'Entered very late.', reviewedOn: late });
    expect(stillDue.nextReviewDate! <= TODAY).toBe(true);
    expect((await alertOf(id))?.status).toBe('OPEN');

    await record({ clientId: id, outcome: 'MAINTAIN', note: 'Reviewed now.' });
    expect(await alertOf(id)).toEqual({ status: 'RESOLVED', resolved_by: 'risk rules', resolution_note: `reviewed on ${TODAY} (MAINTAIN) by test ${Role.RISK_OFFICER}` });
    const [alertRow] = await sql<{ id: string }>(hub, `select id from alert where kind = 'REVIEW_DUE' and subject_id = ?`, [id]);
    expect((await eventsOf('alert.changed', alertRow!.id)).map((e) => e.payload.change)).toEqual(['RAISED', 'RESOLVED']);
  });
});

describe('riskReviewsDue', () => {
  const DUE = `query($asOf: LocalDate, $first: Int, $after: String) { riskReviewsDue(asOf: $asOf, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id nextReviewDate } } } }`;
  interface DuePage {
    riskReviewsDue: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { id: string; nextReviewDate: string } }[] };
  }

  it('lists clients due on or before the date, most overdue first, page by page', async () => {
    const ids = await Promise.all([createClient('ACTIVE'), createClient('WATCHLIST'), createClient('ACTIVE'), createClient('ACTIVE')]);
    const dates = ['2020-03-01', '2020-01-15', '2020-02-01', '2020-04-01'];
    for (const [i, id] of ids.entries()) await sql(hub, 'update client set next_review_on = ? where id = ?', [dates[i], id]);

    const first = await hub.ok<DuePage>(DUE, { asOf: '2020-03-01', first: 2 }, keys.viewer);
    expect(first.riskReviewsDue.totalCount).toBe(3);
    expect(first.riskReviewsDue.edges.map((e) => e.node)).toEqual([
      { id: ids[1], nextReviewDate: '2020-01-15' },
      { id: ids[2], nextReviewDate: '2020-02-01' },
    ]);
    expect(first.riskReviewsDue.pageInfo.hasNextPage).toBe(true);
    const rest = await hub.ok<DuePage>(DUE, { asOf: '2020-03-01', first: 2, after: first.riskReviewsDue.pageInfo.endCursor }, keys.viewer);
    expect(rest.riskReviewsDue.edges.map((e) => e.node.id)).toEqual([ids[0]]);
    expect(rest.riskReviewsDue.pageInfo.hasNextPage).toBe(false);

    // Default asOf: today, which every one of them is overdue by; a fresh client is not due.
    const fresh = await createClient('ACTIVE');
    const today = await hub.ok<DuePage>(DUE, { first: 100 });
    const listed = today.riskReviewsDue.edges.map((e) => e.node.id);
    expect(listed.slice(0, 4)).toEqual([ids[1], ids[2], ids[0], ids[3]]);
    expect(listed).not.toContain(fresh);

    // A review takes the client off the list.
    await record({ clientId: ids[1]!, outcome: 'MAINTAIN', note: 'Done.' });
    const after = await hub.ok<DuePage>(DUE, { asOf: '2020-03-01' });
    expect(after.riskReviewsDue.edges.map((e) => e.node.id)).toEqual([ids[2], ids[0]]);

    const bad = await hub.gql(DUE, { after: 'nonsense' });
    expect(bad.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

describe('Client.riskReviews on a page of clients', () => {
  it('costs the same statements for 2 clients as for 12', async () => {
    const rm = `Review Counter ${Date.now()}`;
    for (let i = 0; i < 12; i++) {
      const id = await createClient('ACTIVE', { relationshipManager: rm });
      await record({ clientId: id, outcome: 'MAINTAIN', note: `review ${i}` });
    }
    const PAGE = `query($first: Int!, $rm: String!) { clients(first: $first, filter: { relationshipManager: $rm }) {
      edges { node { id nextReviewDate riskReviews(last: 2) { outcome tier reviewer client { id } } } } } }`;
    type Page = { clients: { edges: { node: { riskReviews: unknown[] } }[] } };
    const small = await hub.countQueries(() => hub.ok<Page>(PAGE, { first: 2, rm }));
    const large = await hub.countQueries(() => hub.ok<Page>(PAGE, { first: 12, rm }));
    expect(small.result.clients.edges).toHaveLength(2);
    expect(large.result.clients.edges).toHaveLength(12);
    expect(large.result.clients.edges.every((e) => e.node.riskReviews.length === 1)).toBe(true);
    expect(large.count).toBe(small.count);
    expect(large.count).toBeLessThanOrEqual(4);
  });
});

describe('the risk_reviews migration', () => {
  it('backfills ACTIVE and WATCHLIST clients on the anniversaries of their creation, spread out, and no one else', async () => {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL, 1);
    let orm: MikroORM | undefined;
    try {
      orm = await initOrm(scratch.target);
      const index = MIGRATIONS.findIndex((m) => m.name.endsWith('_risk_reviews'));
      await orm.getMigrator().up({ to: MIGRATIONS[index - 1]!.name });
      const em = orm.em.fork();
      const now = Date.now();
      const rows: [string, string, Date][] = [];
      const statuses = [ClientStatus.ACTIVE, ClientStatus.WATCHLIST, ClientStatus.PROSPECT, ClientStatus.SUSPENDED, ClientStatus.TERMINATED];
      for (let i = 0; i < 60; i++) {
        const status = i < 40 ? ClientStatus.ACTIVE : statuses[i % statuses.length]!;
        // Created over the last three years, at different times of day (the date is Beijing's).
        rows.push([usccFromNumber(900_000 + i), status, new Date(now - i * 17.3 * 86_400_000 - (i % 24) * 3_600_000)]);
      }
      for (const [code, status, created] of rows) {
        await em.execute(
          `insert into client (id, name, kind, industry, unified_social_credit_code, status, created_at, updated_at) values (gen_random_uuid(), ?, 'SUPPLIER', 'RETAIL', ?, ?, ?, ?)`,
          [`Backfill ${code}`, code, status, created, created],
        );
      }
      await orm.getMigrator().up();

      const got = await em.execute<{ code: string; next: string | null }[]>(
        `select unified_social_credit_code as code, next_review_on::text as next from client`,
      );
      const byCode = new Map(got.map((r) => [r.code, r.next]));
      const today = businessDate(new Date());
      for (const [code, status, created] of rows) {
        expect(byCode.get(code), `${status} created ${created.toISOString()}`).toBe(anniversaryReviewOn(businessDate(created), status as ClientStatus, today));
      }
      const active = got.filter((r) => r.next !== null).map((r) => r.next!);
      expect(active.every((d) => d > today && d <= addMonths(today, 3))).toBe(true);
      expect(new Set(active).size).toBeGreaterThan(30);
    } finally {
      await orm?.close(true);
      await scratch.drop();
    }
  });
});
