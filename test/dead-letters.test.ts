import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RISK_CONSUMER } from '../src/risk/risk.reactions.js';
import { Role, startTestHub, type TestHub } from './helpers/hub.js';
import { createClient, sql } from './helpers/logistics.js';
import { healthyStatement, waitFor } from './helpers/risk.js';

/**
 * A poison event, made the honest way: a CHECK constraint on `risk_assessment` that the
 * re-assessment of one client breaks. The database answers every attempt with a constraint
 * violation, as it would for a real bug or bad data; dropping the constraint is the fix.
 */
let hub: TestHub;
let riskKey = '';
/** This file's waits: the retries with backoff take longer than elsewhere. */
const WAIT_MS = 10_000;
const MAX_ATTEMPTS = 3;

beforeAll(async () => {
  hub = await startTestHub({ RISK_REACTION_MAX_ATTEMPTS: MAX_ATTEMPTS, RISK_REACTION_RETRY_MS: 20 });
  riskKey = await hub.keyFor(Role.RISK_OFFICER);
});
afterAll(async () => {
  await hub?.close();
});

const addStatement = async (clientId: string, periodEnd = '2025-12-31') =>
  (
    await hub.ok<{ addFinancialStatement: { id: string } }>(`mutation($input: AddFinancialStatementInput!) { addFinancialStatement(input: $input) { id } }`, {
      input: healthyStatement(clientId, periodEnd),
    })
  ).addFinancialStatement.id;
const assessmentsOf = async (id: string) =>
  (await hub.ok<{ client: { riskAssessments: { trigger: string; assessedBy: string }[] } }>(`query($id: ID!) { client(id: $id) { riskAssessments { trigger assessedBy } } }`, { id }))
    .client.riskAssessments;
const poison = (clientId: string) => sql(hub, `alter table risk_assessment add constraint dead_letter_test_poison check (client_id <> '${clientId}')`);
const cure = () => sql(hub, 'alter table risk_assessment drop constraint if exists dead_letter_test_poison');

interface DeadLetterRow {
  id: string;
  consumer: string;
  topic: string;
  aggregateId: string;
  payload: Record<string, unknown>;
  error: string;
  attempts: number;
  txid: string;
  seq: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolution: string | null;
}
const FIELDS = 'id consumer topic aggregateId payload error attempts txid seq firstFailedAt lastFailedAt occurredAt resolvedAt resolvedBy resolution';
const LIST = `query($consumer: String, $unresolvedOnly: Boolean!, $first: Int, $after: String) {
  deadLetters(consumer: $consumer, unresolvedOnly: $unresolvedOnly, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { ${FIELDS} } }
  }
}`;
type ListData = { deadLetters: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: DeadLetterRow }[] } };
const list = async (vars: Record<string, unknown> = {}) => (await hub.ok<ListData>(LIST, { unresolvedOnly: true, ...vars })).deadLetters;
const RETRY = `mutation($id: ID!) { retryDeadLetter(id: $id) { ${FIELDS} } }`;
const DISCARD = `mutation($id: ID!, $note: String!) { discardDeadLetter(id: $id, note: $note) { ${FIELDS} } }`;
const metrics = async () => (await fetch(`${hub.baseUrl}/metrics`)).text();

describe('dead letters of the risk reactions', () => {
  let poisoned = '';
  let healthy = '';
  let statementId = '';
  let parked: DeadLetterRow;
  let adminName = '';

  beforeAll(async () => {
    adminName = (await hub.ok<{ viewer: { name: string } }>('{ viewer { name } }')).viewer.name;
  });

  it(`parks an event after ${MAX_ATTEMPTS} failed attempts and goes on with the events behind it`, async () => {
    poisoned = await createClient(hub, { name: 'Poisoned Co.' });
    healthy = await createClient(hub, { name: 'Healthy Co.' });
    await poison(poisoned);
    statementId = await addStatement(poisoned);
    await addStatement(healthy); // committed after the poisoned one: behind it in the outbox

    // The event behind the poison one is acted on: the consumer did not stay stuck.
    expect(await waitFor(() => assessmentsOf(healthy), (a) => a.length === 1, WAIT_MS)).toMatchObject([{ trigger: 'STATEMENT_ADDED', assessedBy: 'risk reactions' }]);
    const page = await list({ consumer: RISK_CONSUMER });
    expect(page.totalCount).toBe(1);
    parked = page.edges[0]!.node;
    expect(parked).toMatchObject({
      consumer: 'risk.reactions',
      topic: 'risk.statement_added',
      aggregateId: statementId,
      payload: { clientId: poisoned, statementId },
      attempts: MAX_ATTEMPTS,
      resolvedAt: null,
    });
    expect(parked.error).toMatch(/^CheckConstraintViolationException: new row for relation "risk_assessment" violates check constraint "dead_letter_test_poison" \(SQLSTATE 23514\)$/);
    // Neither the statement (with its parameters) nor the failing row's values are kept.
    expect(parked.error).not.toMatch(/insert into|Failing row|detail/i);
    expect(await assessmentsOf(poisoned)).toEqual([]);

    // The position moved past it in the transaction that parked it.
    const [pos] = await sql<{ behind: boolean }>(hub, `select (txid, seq) >= (?::xid8, ?::bigint) as behind from outbox_consumer where name = ?`, [parked.txid, parked.seq, RISK_CONSUMER]);
    expect(pos!.behind).toBe(true);

    const text = await metrics();
    expect(text).toContain('scf_outbox_dead_letters_total{consumer="risk.reactions",topic="risk.statement_added"} 1');
    expect(text).toContain('scf_outbox_dead_letters_unresolved{consumer="risk.reactions"} 1');
    expect(text).toContain(`scf_outbox_consumer_retries_total{consumer="risk.reactions",reason="failed"} ${MAX_ATTEMPTS}`);
  });

  it('is shown to, retried and discarded by ADMIN only', async () => {
    const code = async (query: string, variables: Record<string, unknown>) => (await hub.gql(query, variables, { key: riskKey })).body.errors?.[0]?.extensions?.code;
    expect(await code(LIST, { unresolvedOnly: true })).toBe('FORBIDDEN');
    expect(await code(RETRY, { id: parked.id })).toBe('FORBIDDEN');
    expect(await code(DISCARD, { id: parked.id, note: 'not mine to drop' })).toBe('FORBIDDEN');
    expect((await list()).totalCount).toBe(1);
  });

  it('keeps the dead letter and says why when a retry fails again', async () => {
    const res = await hub.gql(RETRY, { id: parked.id });
    const err = res.body.errors?.[0];
    expect(err?.extensions).toMatchObject({ code: 'RETRY_FAILED', field: 'id', attempts: MAX_ATTEMPTS + 1 });
    expect(err?.message).toMatch(/^retryDeadLetter: the handler failed again \(CheckConstraintViolationException: .*dead_letter_test_poison.*\); the dead letter is kept$/);
    const [again] = (await list()).edges.map((e) => e.node);
    expect(again).toMatchObject({ id: parked.id, attempts: MAX_ATTEMPTS + 1, resolvedAt: null });
    expect(await assessmentsOf(poisoned)).toEqual([]);
  });

  it('is not re-processed after a restart, even once its cause is fixed', async () => {
    await cure();
    await hub.restart();
    // A marker behind it: once the restarted consumer acted on it, it has passed the dead letter's place.
    await addStatement(healthy, '2024-12-31');
    expect(await waitFor(() => assessmentsOf(healthy), (a) => a.length === 2, WAIT_MS)).toHaveLength(2);
    expect(await assessmentsOf(poisoned)).toEqual([]);
    const page = await list();
    expect(page.totalCount).toBe(1);
    expect(page.edges[0]!.node).toMatchObject({ id: parked.id, attempts: MAX_ATTEMPTS + 1, resolvedAt: null });
    expect(await metrics()).toContain('scf_outbox_dead_letters_unresolved{consumer="risk.reactions"} 1');
  });

  it('applies the event and resolves the dead letter on a retry once the cause is fixed', async () => {
    const [before] = await sql<{ txid: string; seq: string }>(hub, `select txid::text, seq::text from outbox_consumer where name = ?`, [RISK_CONSUMER]);
    const done = (await hub.ok<{ retryDeadLetter: DeadLetterRow }>(RETRY, { id: parked.id })).retryDeadLetter;
    expect(done).toMatchObject({ id: parked.id, resolvedBy: adminName, resolution: `retried by ${adminName}` });
    expect(done.resolvedAt).not.toBeNull();
    // Its effect, committed with the resolution. The consumer's position is not set back to the
    // dead letter's (the assessment's own event moves it on, as any new event does).
    expect(await assessmentsOf(poisoned)).toMatchObject([{ trigger: 'STATEMENT_ADDED', assessedBy: 'risk reactions' }]);
    const [kept] = await sql<{ kept: boolean }>(hub, `select (txid, seq) >= (?::xid8, ?::bigint) as kept from outbox_consumer where name = ?`, [before!.txid, before!.seq, RISK_CONSUMER]);
    expect(kept!.kept).toBe(true);

    expect((await list()).totalCount).toBe(0);
    expect((await list({ unresolvedOnly: false })).edges.map((e) => e.node.id)).toEqual([parked.id]);
    const again = await hub.gql(RETRY, { id: parked.id });
    expect(again.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await metrics()).toContain('scf_outbox_dead_letters_unresolved{consumer="risk.reactions"} 0');
  });

  it('resolves a dead letter with the note when discarded, without running it', async () => {
    const other = await createClient(hub, { name: 'Discarded Co.' });
    await poison(other);
    try {
      await addStatement(other);
      const page = await waitFor(() => list(), (p) => p.edges.length === 1, WAIT_MS);
      const dl = page.edges[0]!.node;
      expect(dl).toMatchObject({ payload: { clientId: other }, attempts: MAX_ATTEMPTS });
      // Nothing for the reactions came after it: the position is the dead letter's own, set by the
      // transaction that parked it (not by a later event).
      const [pos] = await sql<{ txid: string; seq: string }>(hub, `select txid::text, seq::text from outbox_consumer where name = ?`, [RISK_CONSUMER]);
      expect(pos).toEqual({ txid: dl.txid, seq: dl.seq });

      const blank = await hub.gql(DISCARD, { id: dl.id, note: '  ' });
      expect(blank.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note' });
      const note = 'Statement filed in error; re-filed under the right client';
      const discarded = (await hub.ok<{ discardDeadLetter: DeadLetterRow }>(DISCARD, { id: dl.id, note })).discardDeadLetter;
      expect(discarded).toMatchObject({ id: dl.id, resolution: note, resolvedBy: adminName });
      expect(discarded.resolvedAt).not.toBeNull();
      expect((await hub.gql(DISCARD, { id: dl.id, note })).body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      expect((await hub.gql(RETRY, { id: dl.id })).body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      expect((await hub.gql(RETRY, { id: '00000000-0000-4000-8000-000000000000' })).body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(await assessmentsOf(other)).toEqual([]);
    } finally {
      await cure();
    }

    // Both resolved ones, in outbox order, a page at a time.
    const first = await list({ unresolvedOnly: false, first: 1 });
    expect(first.totalCount).toBe(2);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await list({ unresolvedOnly: false, first: 1, after: first.pageInfo.endCursor });
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect([first.edges[0]!.node.id, second.edges[0]!.node.id]).toEqual([parked.id, expect.not.stringMatching(parked.id)]);
    expect((await list({ consumer: 'another.consumer', unresolvedOnly: false })).totalCount).toBe(0);
  });
});
