import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { addDays, businessDate } from '../src/financing/financing.rules.js';
import { AlertKind, Severity } from '../src/risk/alert.enums.js';
import { AlertService } from '../src/risk/alert.service.js';
import { Role, startTestHub, type GqlResponse, type TestHub } from './helpers/hub.js';
import { createClient as createTestClient, sql } from './helpers/logistics.js';
import { clientAlerts, waitFor } from './helpers/risk.js';

let hub: TestHub;
const keys = {} as Record<'rm' | 'risk', string>;

beforeAll(async () => {
  hub = await startTestHub();
  [keys.rm, keys.risk] = await Promise.all([hub.keyFor(Role.RELATIONSHIP_MANAGER), hub.keyFor(Role.RISK_OFFICER)]);
});
afterAll(async () => {
  await hub?.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

// ---- arrangement ---------------------------------------------------------------------------

const TODAY = businessDate(new Date());
const createClient = () => createTestClient(hub, { kind: 'SUPPLIER', industry: 'AUTOMOTIVE', status: 'ACTIVE', relationshipManager: 'Wang Fang' });

async function openLine(clientId: string, limit = '1000000.00'): Promise<string> {
  const d = await hub.ok<{ openCreditLine: { id: string } }>(`mutation($input: OpenCreditLineInput!) { openCreditLine(input: $input) { id } }`, {
    input: { clientId, limit, expiresAt: new Date(Date.now() + 365 * 86_400_000).toISOString() },
  });
  return d.openCreditLine.id;
}

/** A CREDIT_LOAN contracted and disbursed `daysAgo` business days ago. */
async function disbursedDeal(clientId: string, { amount = '100000.00', daysAgo = 0, tenorDays = 90 } = {}): Promise<string> {
  const contractDate = addDays(TODAY, -daysAgo);
  const d = await hub.ok<{ createFinancing: { id: string } }>(`mutation($input: CreateFinancingInput!) { createFinancing(input: $input) { id } }`, {
    input: { clientId, product: 'CREDIT_LOAN', amount, annualRate: '0.08', tenorDays, contractDate },
  });
  const id = d.createFinancing.id;
  await hub.ok(`mutation($id: ID!) { approveFinancing(id: $id) { id } }`, { id });
  await hub.ok(`mutation($id: ID!, $at: DateTime) { disburseFinancing(id: $id, disbursedAt: $at) { id } }`, {
    id,
    at: daysAgo === 0 ? null : `${contractDate}T10:00:00+08:00`,
  });
  return id;
}

/** A client with a line and a live deal. */
async function borrower(deal: { amount?: string; daysAgo?: number; tenorDays?: number } = {}) {
  const clientId = await createClient();
  const lineId = await openLine(clientId);
  const dealId = await disbursedDeal(clientId, deal);
  return { clientId, lineId, dealId };
}

/**
 * An open alert on a subject, raised the way the rules raise them. REVIEW_DUE: no rule reacts to
 * it, so what the remediation's own events set off cannot touch it.
 */
async function raiseAlert(clientId: string, subjectType: 'FINANCING' | 'CREDIT_LINE' | 'CLIENT', subjectId: string): Promise<string> {
  await hub.orm.em.fork().transactional((tem) =>
    new AlertService(tem).raise(tem, { kind: AlertKind.REVIEW_DUE, severity: Severity.WARNING, clientId, subjectType, subjectId, message: 'under review' }),
  );
  const [row] = await sql<{ id: string }>(hub, `select id from alert where kind = 'REVIEW_DUE' and subject_id = ? and status <> 'RESOLVED'`, [subjectId]);
  return row!.id;
}

interface AlertRow {
  id: string;
  kind: string;
  status: string;
  resolutionNote: string | null;
  resolvedBy: string | null;
  remediation: { action: string; targetType: string; targetId: string; detail: string; performedBy: string; performedAt: string } | null;
}
const ALERT_FIELDS = 'id kind status resolutionNote resolvedBy remediation { action targetType targetId detail performedBy performedAt }';
const RESOLVE = `mutation($id: ID!, $note: String!, $r: RemediationInput) { resolveAlert(id: $id, note: $note, remediation: $r) { ${ALERT_FIELDS} } }`;

const resolve = (id: string, note: string, r: Record<string, unknown> | null, key = keys.risk) =>
  hub.gql<{ resolveAlert: AlertRow }>(RESOLVE, { id, note, r }, { key });
const resolved = async (id: string, note: string, r: Record<string, unknown>, key = keys.risk): Promise<AlertRow> => {
  const res = await resolve(id, note, r, key);
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.resolveAlert;
};
const errorOf = (res: GqlResponse) => {
  const e = res.body.errors?.[0];
  return { code: e?.extensions?.code, field: e?.extensions?.field, message: e?.message };
};

const alertsOf = (clientId: string, kinds?: string[]) => clientAlerts<AlertRow>(hub, ALERT_FIELDS, clientId, kinds);
const alert = async (clientId: string, id: string) => (await alertsOf(clientId)).find((a) => a.id === id)!;

interface DealRow {
  status: string;
  maturityDate: string | null;
  scheduleVersion: number;
  recourseClaim: string | null;
  totalDue: string;
  guarantee: { kind: string; guarantor: string | null; amount: string | null; description: string | null };
  schedule: { version: number; seq: number; dueDate: string; principal: string }[];
  scheduleHistory: { version: number }[];
  history: { action: string; fromStatus: string | null; toStatus: string; reason: string | null; actorName: string; detail: Record<string, unknown> | null }[];
}
const DEAL_FIELDS = `status maturityDate scheduleVersion recourseClaim totalDue guarantee { kind guarantor amount description }
  schedule { version seq dueDate principal } scheduleHistory { version } history { action fromStatus toStatus reason actorName detail }`;
const deal = async (id: string) => (await hub.ok<{ financing: DealRow }>(`query($id: ID!) { financing(id: $id) { ${DEAL_FIELDS} } }`, { id })).financing;

interface LineRow {
  limit: string;
  status: string;
  history: { kind: string; previousLimit: string | null; newLimit: string; reason: string | null; actorName: string }[];
}
const line = async (id: string) =>
  (await hub.ok<{ creditLine: LineRow }>(`query($id: ID!) { creditLine(id: $id) { limit status history { kind previousLimit newLimit reason actorName } } }`, { id })).creditLine;

/** Outbox events of an aggregate (deal, line, alert), oldest first. */
const eventsOf = (aggregateId: string) =>
  sql<{ topic: string; payload: Record<string, unknown> }>(hub, `select topic, payload from outbox_event where aggregate_id = ? order by txid, seq`, [aggregateId]);

/** Everything a remediation could write about these subjects, to compare before and after a refusal. */
async function snapshot(clientId: string, alertId: string, ids: { dealId?: string; lineId?: string }) {
  return {
    alert: await alert(clientId, alertId),
    deal: ids.dealId ? await deal(ids.dealId) : null,
    line: ids.lineId ? await line(ids.lineId) : null,
    events: [...(await eventsOf(alertId)), ...(ids.dealId ? await eventsOf(ids.dealId) : []), ...(ids.lineId ? await eventsOf(ids.lineId) : [])].length,
  };
}

// ---- the five remediations ---------------------------------------------------------------------

describe('resolveAlert with a remediation', () => {
  it('EXTEND_REPAYMENT restructures the overdue deal the alert is about, and records it on the alert', async () => {
    const { clientId, dealId } = await borrower({ daysAgo: 100, tenorDays: 30 });
    await hub.ok(`mutation { runDelinquencyScan { bucketChanges } }`);
    const [overdue] = await waitFor(() => alertsOf(clientId, ['PAYMENT_OVERDUE']), (a) => a.length === 1);
    expect(overdue).toMatchObject({ status: 'OPEN', remediation: null });
    const before = await deal(dealId);
    expect(before).toMatchObject({ status: 'OVERDUE', maturityDate: addDays(TODAY, -70), scheduleVersion: 1 });

    const note = 'Client asked for 90 more days; inventory turning slowly';
    const done = await resolved(overdue!.id, note, { action: 'EXTEND_REPAYMENT', tenorDays: 90 });
    expect(done).toMatchObject({ status: 'RESOLVED', resolutionNote: note, resolvedBy: `test ${Role.RISK_OFFICER}` });
    expect(done.remediation).toMatchObject({ action: 'EXTEND_REPAYMENT', targetType: 'FINANCING', targetId: dealId, performedBy: `test ${Role.RISK_OFFICER}` });
    expect(done.remediation!.detail).toBe(
      `repayment extended: maturity ${addDays(TODAY, -70)} → ${addDays(TODAY, 90)} (90 days from ${TODAY}, BULLET); schedule version 2`,
    );

    const after = await deal(dealId);
    expect(after).toMatchObject({ status: 'RESTRUCTURED', maturityDate: addDays(TODAY, 90), scheduleVersion: 2 });
    expect(after.history.at(-1)).toMatchObject({ action: 'RESTRUCTURED', fromStatus: 'OVERDUE', toStatus: 'RESTRUCTURED', reason: note, actorName: `test ${Role.RISK_OFFICER}` });

    // The RESOLVED event names what was done.
    const events = await eventsOf(overdue!.id);
    expect(events.at(-1)!.payload).toMatchObject({ change: 'RESOLVED', remediation: { action: 'EXTEND_REPAYMENT', targetType: 'FINANCING', targetId: dealId } });
  });

  it('CHANGE_GUARANTEE sets the guarantee on the deal, keeping the previous one in its history', async () => {
    const { clientId, dealId } = await borrower();
    const alertId = await raiseAlert(clientId, 'FINANCING', dealId);
    const guarantee = { kind: 'CORPORATE_GUARANTEE', guarantor: 'Meikang Group Co., Ltd.', amount: '80000.00', description: 'Parent guarantee, signed 2026-11' };
    const done = await resolved(alertId, 'Parent company guarantee obtained', { action: 'CHANGE_GUARANTEE', guarantee });
    expect(done.remediation).toMatchObject({
      action: 'CHANGE_GUARANTEE',
      targetType: 'FINANCING',
      targetId: dealId,
      detail: 'guarantee NONE → CORPORATE_GUARANTEE by Meikang Group Co., Ltd. for 80000.00 CNY',
    });
    const after = await deal(dealId);
    expect(after.guarantee).toEqual(guarantee);
    expect(after.status).toBe('DISBURSED');
    expect(after.history.at(-1)).toMatchObject({
      action: 'GUARANTEE_CHANGED',
      fromStatus: 'DISBURSED',
      toStatus: 'DISBURSED',
      reason: 'Parent company guarantee obtained',
      detail: { previous: { kind: 'NONE', guarantor: null, amount: null, description: null }, guarantee },
    });
    const transitioned = (await eventsOf(dealId)).filter((e) => e.topic === 'financing.transitioned').at(-1);
    expect(transitioned!.payload).toMatchObject({ action: 'GUARANTEE_CHANGED', from: 'DISBURSED', to: 'DISBURSED' });
  });

  it('REDUCE_LIMIT lowers the limit of the line near its limit; a limit that is not lower is refused and changes nothing', async () => {
    const clientId = await createClient();
    const lineId = await openLine(clientId, '100000.00');
    await disbursedDeal(clientId, { amount: '95000.00' });
    const [near] = await waitFor(() => alertsOf(clientId, ['CREDIT_LIMIT_NEAR']), (a) => a.length === 1);
    expect(near).toMatchObject({ status: 'OPEN' });

    const before = await snapshot(clientId, near!.id, { lineId });
    for (const newLimit of ['100000.00', '120000.00']) {
      const refused = await resolve(near!.id, 'Cut the line', { action: 'REDUCE_LIMIT', newLimit });
      expect(errorOf(refused)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'remediation.newLimit' });
      expect(errorOf(refused).message).toMatch(/must be lower than the current limit 100000.00 CNY/);
    }
    expect(await snapshot(clientId, near!.id, { lineId })).toEqual(before);

    const done = await resolved(near!.id, 'Exposure cut after the quarterly review', { action: 'REDUCE_LIMIT', newLimit: '96000.00' });
    expect(done.remediation).toMatchObject({ action: 'REDUCE_LIMIT', targetType: 'CREDIT_LINE', targetId: lineId, detail: 'limit 100000.00 → 96000.00 CNY' });
    const after = await line(lineId);
    expect(after.limit).toBe('96000.00');
    expect(after.history.at(-1)).toEqual({
      kind: 'LIMIT_ADJUSTED',
      previousLimit: '100000.00',
      newLimit: '96000.00',
      reason: 'Exposure cut after the quarterly review',
      actorName: `test ${Role.RISK_OFFICER}`,
    });
  });

  it('FREEZE_LINE freezes the line; freezing it again is a CONFLICT that leaves the second alert open', async () => {
    const { clientId, lineId } = await borrower();
    const alertId = await raiseAlert(clientId, 'CREDIT_LINE', lineId);
    const done = await resolved(alertId, 'Freeze pending the audit', { action: 'FREEZE_LINE' });
    expect(done.remediation).toMatchObject({ action: 'FREEZE_LINE', targetType: 'CREDIT_LINE', targetId: lineId, detail: 'credit line frozen (limit 1000000.00 CNY)' });
    const after = await line(lineId);
    expect(after.status).toBe('FROZEN');
    expect(after.history.at(-1)).toMatchObject({ kind: 'FROZEN', reason: 'Freeze pending the audit' });

    // A second alert on the client, about its line: freezing a frozen line fails, the alert stays open.
    const second = await raiseAlert(clientId, 'CLIENT', clientId);
    const before = await snapshot(clientId, second, { lineId });
    const refused = await resolve(second, 'Freeze it', { action: 'FREEZE_LINE', creditLineId: lineId });
    expect(errorOf(refused)).toMatchObject({ code: 'CONFLICT', field: 'remediation.creditLineId' });
    expect(await snapshot(clientId, second, { lineId })).toEqual(before);
    expect(before.alert.status).toBe('OPEN');
  });

  it('TERMINATE_WITH_RECOURSE accelerates the deal: principal and accrued interest due today, DEFAULTED, counted as a default', async () => {
    const { clientId, dealId } = await borrower({ daysAgo: 40, tenorDays: 90 });
    const alertId = await raiseAlert(clientId, 'FINANCING', dealId);
    const before = await deal(dealId);
    // 100000.00 at 8% for 40 days, actual/365: 876.71 of interest.
    expect(before.totalDue).toBe('100876.71');

    const note = 'Fraudulent invoices found; recourse to the seller';
    const done = await resolved(alertId, note, { action: 'TERMINATE_WITH_RECOURSE' });
    expect(done.remediation).toMatchObject({
      action: 'TERMINATE_WITH_RECOURSE',
      targetType: 'FINANCING',
      targetId: dealId,
      detail: `terminated with recourse: 100876.71 CNY due ${TODAY} (principal 100000.00 + interest 876.71); deal DEFAULTED`,
    });

    const after = await deal(dealId);
    expect(after).toMatchObject({ status: 'DEFAULTED', recourseClaim: '100876.71', maturityDate: TODAY, scheduleVersion: 2, totalDue: '100876.71' });
    expect(after.schedule).toEqual([{ version: 2, seq: 1, dueDate: TODAY, principal: '100000.00' }]);
    expect(after.scheduleHistory.map((s) => s.version)).toEqual([1, 2]);
    expect(after.history.at(-1)).toMatchObject({
      action: 'TERMINATED_WITH_RECOURSE',
      fromStatus: 'DISBURSED',
      toStatus: 'DEFAULTED',
      reason: note,
      actorName: `test ${Role.RISK_OFFICER}`,
      detail: { recourseClaim: '100876.71', principal: '100000.00', interest: '876.71', dueDate: TODAY },
    });
    // Existing consumers see an ordinary transition.
    const transitioned = (await eventsOf(dealId)).filter((e) => e.topic === 'financing.transitioned').at(-1);
    expect(transitioned!.payload).toMatchObject({ action: 'TERMINATED_WITH_RECOURSE', from: 'DISBURSED', to: 'DEFAULTED', reason: note });

    // The risk model counts it as a default.
    const risk = await hub.ok<{ assessClientRisk: { dimensions: { dimension: string; detail: string }[] } }>(
      `mutation($id: ID!) { assessClientRisk(clientId: $id) { dimensions { dimension detail } } }`,
      { id: clientId },
    );
    expect(risk.assessClientRisk.dimensions.find((d) => d.dimension === 'REPAYMENT')!.detail).toMatch(/1 default/);
  });
});

// ---- refusals ---------------------------------------------------------------------------------

describe('a refused remediation', () => {
  it('refuses a target of another client, naming the field, and writes nothing', async () => {
    const mine = await borrower();
    const theirs = await borrower();
    const alertId = await raiseAlert(mine.clientId, 'FINANCING', mine.dealId);
    const before = await snapshot(mine.clientId, alertId, { dealId: theirs.dealId, lineId: theirs.lineId });

    const deal = await resolve(alertId, 'Terminate', { action: 'TERMINATE_WITH_RECOURSE', financingId: theirs.dealId });
    expect(errorOf(deal)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'remediation.financingId' });
    expect(errorOf(deal).message).toMatch(/must be a deal of the alert's client/);
    const lineRes = await resolve(alertId, 'Freeze', { action: 'FREEZE_LINE', creditLineId: theirs.lineId });
    expect(errorOf(lineRes)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'remediation.creditLineId' });
    expect(errorOf(lineRes).message).toMatch(/must be a credit line of the alert's client/);
    expect(await snapshot(mine.clientId, alertId, { dealId: theirs.dealId, lineId: theirs.lineId })).toEqual(before);
  });

  it("requires the target's id when the alert's subject is of another kind", async () => {
    const { clientId, lineId, dealId } = await borrower();
    const alertId = await raiseAlert(clientId, 'FINANCING', dealId);
    const res = await resolve(alertId, 'Cut', { action: 'REDUCE_LIMIT', newLimit: '500000.00' });
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'remediation.creditLineId' });
    const ok = await resolved(alertId, 'Cut', { action: 'REDUCE_LIMIT', newLimit: '500000.00', creditLineId: lineId });
    expect(ok.remediation).toMatchObject({ targetType: 'CREDIT_LINE', targetId: lineId });
  });

  it('is FORBIDDEN to a relationship manager for credit-officer actions, with nothing written; a plain resolve stays theirs', async () => {
    const { clientId, dealId, lineId } = await borrower();
    const alertId = await raiseAlert(clientId, 'CREDIT_LINE', lineId);
    const before = await snapshot(clientId, alertId, { dealId, lineId });
    for (const r of [
      { action: 'FREEZE_LINE' },
      { action: 'REDUCE_LIMIT', newLimit: '1.00' },
      { action: 'TERMINATE_WITH_RECOURSE', financingId: dealId },
      { action: 'EXTEND_REPAYMENT', financingId: dealId, tenorDays: 365 },
      { action: 'CHANGE_GUARANTEE', financingId: dealId, guarantee: { kind: 'COLLATERAL', guarantor: 'Wang Fang' } },
    ]) {
      const res = await resolve(alertId, 'Doing it myself', r, keys.rm);
      expect(errorOf(res), r.action).toMatchObject({ code: 'FORBIDDEN', field: 'remediation.action' });
    }
    expect(await snapshot(clientId, alertId, { dealId, lineId })).toEqual(before);
    const plain = await resolve(alertId, 'Discussed with the client', null, keys.rm);
    expect(plain.body.data?.resolveAlert).toMatchObject({ status: 'RESOLVED', remediation: null });
  });

  it('refuses an extension that does not extend, and names service errors by the remediation fields', async () => {
    const { clientId, dealId } = await borrower({ tenorDays: 90 });
    const alertId = await raiseAlert(clientId, 'FINANCING', dealId);
    const before = await snapshot(clientId, alertId, { dealId });
    const short = await resolve(alertId, 'Extend', { action: 'EXTEND_REPAYMENT', tenorDays: 60 });
    expect(errorOf(short)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'remediation.tenorDays' });
    expect(errorOf(short).message).toMatch(/more than the 90 days left to the current maturity/);
    const instalments = await resolve(alertId, 'Extend', { action: 'EXTEND_REPAYMENT', tenorDays: 180, repaymentMethod: 'EQUAL_INSTALMENTS', instalments: 1 });
    expect(errorOf(instalments)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'remediation.instalments' });
    const noGuarantor = await resolve(alertId, 'Guarantee', { action: 'CHANGE_GUARANTEE', guarantee: { kind: 'PERSONAL_GUARANTEE' } });
    expect(errorOf(noGuarantor)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'remediation.guarantee.guarantor' });
    const longNote = await resolve(alertId, 'x'.repeat(600), { action: 'TERMINATE_WITH_RECOURSE' });
    expect(errorOf(longNote)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note' });
    expect(await snapshot(clientId, alertId, { dealId })).toEqual(before);
  });

  it('rolls back the financing change when the resolution fails after it: the services nest as savepoints of one transaction', async () => {
    const { clientId, dealId } = await borrower({ daysAgo: 10, tenorDays: 30 });
    const alertId = await raiseAlert(clientId, 'FINANCING', dealId);
    const before = await snapshot(clientId, alertId, { dealId });
    const statements: string[] = [];
    const knex = hub.orm.em.getConnection().getKnex();
    const onQuery = (q: { sql: string }) => statements.push(q.sql);
    knex.on('query', onQuery);
    // Fails right after the remediation, as any later step of the resolution could.
    const close = vi.spyOn(AlertService.prototype as unknown as { close: () => void }, 'close').mockImplementation(() => {
      throw new Error('injected after the remediation');
    });
    try {
      const res = await resolve(alertId, 'Extend', { action: 'EXTEND_REPAYMENT', tenorDays: 120 });
      expect(errorOf(res).code).toBe('INTERNAL_SERVER_ERROR');
      expect(close).toHaveBeenCalled();
    } finally {
      knex.off('query', onQuery);
      close.mockRestore();
    }
    // The restructuring ran and wrote, inside a savepoint of the resolution's transaction...
    expect(statements.some((s) => /^savepoint\b/i.test(s))).toBe(true);
    expect(statements.some((s) => /insert into "schedule_instalment"/.test(s))).toBe(true);
    // ...and went with it.
    expect(await snapshot(clientId, alertId, { dealId })).toEqual(before);
    expect(before.deal).toMatchObject({ status: 'DISBURSED', scheduleVersion: 1 });

    const done = await resolved(alertId, 'Extend', { action: 'EXTEND_REPAYMENT', tenorDays: 120 });
    expect(done.status).toBe('RESOLVED');
    expect((await deal(dealId)).scheduleVersion).toBe(2);
  });
});

// ---- the standalone financing mutations --------------------------------------------------------

describe('changeFinancingGuarantee', () => {
  const CHANGE = `mutation($input: ChangeFinancingGuaranteeInput!) { changeFinancingGuarantee(input: $input) { guarantee { kind guarantor amount description } history { action detail } } }`;

  it('replaces and releases a guarantee for credit officers, and refuses what changes nothing', async () => {
    const { dealId } = await borrower();
    const change = (guarantee: Record<string, unknown>, key = keys.risk) => hub.gql<{ changeFinancingGuarantee: DealRow }>(CHANGE, { input: { financingId: dealId, guarantee, reason: 'review' } }, { key });
    expect(errorOf(await change({ kind: 'COLLATERAL', guarantor: 'X' }, keys.rm)).code).toBe('FORBIDDEN');
    const insured = { kind: 'CREDIT_INSURANCE', guarantor: 'Sinosure', amount: null, description: 'Policy 2026-0042' };
    expect((await change(insured)).body.data!.changeFinancingGuarantee.guarantee).toEqual(insured);
    expect(errorOf(await change({ ...insured, description: ' Policy 2026-0042 ' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.guarantee' });
    expect(errorOf(await change({ kind: 'NONE', guarantor: 'Sinosure' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.guarantee.guarantor' });
    expect(errorOf(await change({ kind: 'COLLATERAL', guarantor: 'X', amount: '-5.00' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.guarantee.amount' });
    const released = (await change({ kind: 'NONE' })).body.data!.changeFinancingGuarantee;
    expect(released.guarantee).toEqual({ kind: 'NONE', guarantor: null, amount: null, description: null });
    expect(released.history.filter((h) => h.action === 'GUARANTEE_CHANGED').map((h) => (h.detail as { guarantee: { kind: string } }).guarantee.kind)).toEqual([
      'CREDIT_INSURANCE',
      'NONE',
    ]);
  });

  it('refuses a deal whose status is final', async () => {
    const clientId = await createClient();
    await openLine(clientId);
    const created = await hub.ok<{ createFinancing: { id: string } }>(`mutation($input: CreateFinancingInput!) { createFinancing(input: $input) { id } }`, {
      input: { clientId, product: 'CREDIT_LOAN', amount: '1000.00', annualRate: '0.08', tenorDays: 30 },
    });
    const id = created.createFinancing.id;
    await hub.ok(`mutation($id: ID!) { rejectFinancing(id: $id, reason: "no") { id } }`, { id });
    const res = await hub.gql(CHANGE, { input: { financingId: id, guarantee: { kind: 'COLLATERAL', guarantor: 'X' }, reason: 'late' } });
    expect(errorOf(res)).toMatchObject({ code: 'CONFLICT', field: 'input.financingId' });
  });
});

describe('terminateFinancingWithRecourse', () => {
  const TERMINATE = `mutation($id: ID!, $reason: String!) { terminateFinancingWithRecourse(id: $id, reason: $reason) { status recourseClaim } }`;

  it('is for credit officers, on live deals only', async () => {
    const { clientId, dealId } = await borrower();
    expect(errorOf(await hub.gql(TERMINATE, { id: dealId, reason: 'fraud' }, { key: keys.rm })).code).toBe('FORBIDDEN');
    expect(errorOf(await hub.gql(TERMINATE, { id: dealId, reason: ' ' }, { key: keys.risk }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const done = await hub.ok<{ terminateFinancingWithRecourse: { status: string; recourseClaim: string } }>(TERMINATE, { id: dealId, reason: 'fraud' }, keys.risk);
    // Disbursed today: no interest accrued yet.
    expect(done.terminateFinancingWithRecourse).toEqual({ status: 'DEFAULTED', recourseClaim: '100000.00' });
    expect(errorOf(await hub.gql(TERMINATE, { id: dealId, reason: 'again' }))).toMatchObject({ code: 'CONFLICT', field: 'id' });

    const submitted = await hub.ok<{ createFinancing: { id: string } }>(`mutation($input: CreateFinancingInput!) { createFinancing(input: $input) { id } }`, {
      input: { clientId, product: 'CREDIT_LOAN', amount: '1000.00', annualRate: '0.08', tenorDays: 30 },
    });
    expect(errorOf(await hub.gql(TERMINATE, { id: submitted.createFinancing.id, reason: 'x' }))).toMatchObject({ code: 'CONFLICT' });
  });
});
