import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, businessDate } from '../src/financing/financing.rules.js';
import { Role, type TestHub } from './helpers/hub.js';
import { createClient as createTestClient, registerPartner, registerShipment, startLogisticsHub } from './helpers/logistics.js';
import { subscribe, waitForStreams } from './helpers/ws.js';
import { clientAlerts, healthyStatement, waitFor } from './helpers/risk.js';

let hub: TestHub;
const keys = {} as Record<'rm' | 'risk' | 'viewer' | 'partner', string>;

beforeAll(async () => {
  hub = await startLogisticsHub();
  [keys.rm, keys.risk, keys.viewer] = await Promise.all([hub.keyFor(Role.RELATIONSHIP_MANAGER), hub.keyFor(Role.RISK_OFFICER), hub.keyFor(Role.VIEWER)]);
  await registerPartner(hub, { code: 'alert-carrier', kind: 'GENERIC', name: 'Alert Carrier', webhookSecret: 'alert-carrier-secret' });
  keys.partner = await hub.keyFor(Role.PARTNER, 'alert-carrier');
});
afterAll(async () => {
  await hub?.close();
});

const TODAY = businessDate(new Date());
const createClient = (kind: string, extra: Record<string, unknown> = {}) =>
  createTestClient(hub, { kind, industry: 'AUTOMOTIVE', status: 'ACTIVE', relationshipManager: 'Wang Fang', ...extra });

interface AlertRow {
  id: string;
  kind: string;
  severity: string;
  status: string;
  message: string;
  assignedTo: string | null;
  resolutionNote: string | null;
  resolvedBy: string | null;
  client: { id: string };
}
const ALERT_FIELDS = 'id kind severity status message assignedTo resolutionNote resolvedBy client { id }';
const alertsOf = (clientId: string, kinds?: string[]) => clientAlerts<AlertRow>(hub, ALERT_FIELDS, clientId, kinds);

const SUB = `subscription($f: AlertChangedFilter, $after: String) { alertChanged(filter: $f, after: $after) { cursor change severity alert { id kind status severity client { id } } } }`;
interface SubData {
  alertChanged: { cursor: string; change: string; severity: string; alert: { id: string; kind: string; status: string; severity: string; client: { id: string } } };
}

async function openLine(clientId: string, limit: string): Promise<string> {
  const d = await hub.ok<{ openCreditLine: { id: string } }>(`mutation($input: OpenCreditLineInput!) { openCreditLine(input: $input) { id } }`, {
    input: { clientId, limit, expiresAt: new Date(Date.now() + 365 * 86_400_000).toISOString() },
  });
  return d.openCreditLine.id;
}
async function disbursedDeal(clientId: string, amount: string, contractDate: string, tenorDays = 30): Promise<string> {
  const deal = await hub.ok<{ createFinancing: { id: string } }>(`mutation($input: CreateFinancingInput!) { createFinancing(input: $input) { id } }`, {
    input: { clientId, product: 'CREDIT_LOAN', amount, annualRate: '0.08', tenorDays, contractDate },
  });
  const id = deal.createFinancing.id;
  await hub.ok(`mutation($id: ID!) { approveFinancing(id: $id) { id } }`, { id });
  await hub.ok(`mutation($id: ID!, $at: DateTime) { disburseFinancing(id: $id, disbursedAt: $at) { id } }`, {
    id,
    at: contractDate === TODAY ? null : `${contractDate}T10:00:00+08:00`,
  });
  return id;
}

describe('PAYMENT_OVERDUE', () => {
  it('is raised per deal, escalates with the bucket, resolves itself when paid, and reaches subscribers live', async () => {
    const clientId = await createClient('SUPPLIER');
    const sub = subscribe<SubData>(hub, SUB, { f: { clientId, kinds: ['PAYMENT_OVERDUE'] } }, keys.viewer);
    await waitForStreams(hub, 1);
    await openLine(clientId, '1000000');
    const fid = await disbursedDeal(clientId, '100000', addDays(TODAY, -100));
    // Due 70 days ago: 10 days late 60 days ago, 40 days late 30 days ago.
    await hub.ok(`mutation($d: LocalDate) { runDelinquencyScan(asOf: $d) { bucketChanges } }`, { d: addDays(TODAY, -60) });
    const raised = await waitFor(() => alertsOf(clientId, ['PAYMENT_OVERDUE']), (a) => a.length === 1);
    expect(raised[0]).toMatchObject({ kind: 'PAYMENT_OVERDUE', severity: 'INFO', status: 'OPEN', assignedTo: 'Wang Fang' });
    await hub.ok(`mutation($d: LocalDate) { runDelinquencyScan(asOf: $d) { bucketChanges } }`, { d: addDays(TODAY, -30) });
    const escalated = await waitFor(() => alertsOf(clientId, ['PAYMENT_OVERDUE']), (a) => a[0]?.severity === 'WARNING');
    expect(escalated).toHaveLength(1);
    expect(escalated[0]).toMatchObject({ id: raised[0]!.id, severity: 'WARNING', status: 'OPEN' });
    expect(escalated[0]!.message).toMatch(/40 days past due \(DPD_31_60\)/);

    const due = await hub.ok<{ financing: { totalDue: string } }>(`query($id: ID!) { financing(id: $id) { totalDue } }`, { id: fid });
    await hub.ok(`mutation($input: RecordRepaymentInput!) { recordRepayment(input: $input) { id } }`, {
      input: { financingId: fid, amount: due.financing.totalDue, paidAt: new Date().toISOString() },
    });
    const resolved = await waitFor(() => alertsOf(clientId, ['PAYMENT_OVERDUE']), (a) => a[0]?.status === 'RESOLVED');
    expect(resolved[0]).toMatchObject({ status: 'RESOLVED', resolvedBy: 'risk rules' });
    expect(resolved[0]!.resolutionNote).toMatch(/paid/);

    const events = await sub.take(3);
    expect(events.map((e) => [e.data?.alertChanged.change, e.data?.alertChanged.severity])).toEqual([
      ['RAISED', 'INFO'],
      ['ESCALATED', 'WARNING'],
      ['RESOLVED', 'WARNING'],
    ]);
    await sub.close();

    // `after` replays what came after a cursor.
    const replay = subscribe<SubData>(hub, SUB, { f: { clientId, kinds: ['PAYMENT_OVERDUE'] }, after: events[0]!.data!.alertChanged.cursor }, keys.viewer);
    const again = await replay.take(2);
    expect(again.map((e) => e.data?.alertChanged.change)).toEqual(['ESCALATED', 'RESOLVED']);
    await replay.close();
  });
});

describe('PAYMENT_OVERDUE resolved by a restructuring', () => {
  it('says so, not "paid"', async () => {
    const clientId = await createClient('SUPPLIER');
    await openLine(clientId, '1000000');
    const fid = await disbursedDeal(clientId, '50000', addDays(TODAY, -60));
    await hub.ok(`mutation($d: LocalDate) { runDelinquencyScan(asOf: $d) { bucketChanges } }`, { d: TODAY });
    await waitFor(() => alertsOf(clientId, ['PAYMENT_OVERDUE']), (a) => a.length === 1);
    await hub.ok(`mutation($input: RestructureFinancingInput!) { restructureFinancing(input: $input) { id } }`, {
      input: { financingId: fid, tenorDays: 90, reason: 'Seasonal cash shortfall' },
    });
    const [alert] = await waitFor(() => alertsOf(clientId, ['PAYMENT_OVERDUE']), (a) => a[0]?.status === 'RESOLVED');
    expect(alert).toMatchObject({ status: 'RESOLVED', resolvedBy: 'risk rules' });
    expect(alert!.resolutionNote).toBe(`restructured: a new schedule from ${TODAY}, nothing past due under it`);
  });
});

describe('SHIPMENT_EXCEPTION', () => {
  it('reaches a subscriber as RAISED soon after a partner push, is not duplicated, and resolves when delivered', async () => {
    const clientId = await createClient('DISTRIBUTOR');
    const s = await registerShipment(hub, { partnerCode: 'alert-carrier', trackingNumber: `ALERT-${clientId.slice(0, 8)}`, clientId });
    const sub = subscribe<SubData>(hub, SUB, { f: { clientId } }, keys.risk);
    const critical = subscribe<SubData>(hub, SUB, { f: { clientId, minSeverity: 'CRITICAL' } }, keys.risk);
    await waitForStreams(hub, 2);
    const push = (events: Record<string, unknown>[]) =>
      hub.gql(`mutation($input: PushTrackingEventsInput!) { pushTrackingEvents(input: $input) { changed } }`, {
        input: { partnerCode: 'alert-carrier', trackingNumber: s.trackingNumber, events },
      }, { key: keys.partner });
    const t0 = Date.now();
    await push([{ id: 'e1', occurredAt: new Date(Date.now() - 60_000).toISOString(), status: 'EXCEPTION', description: 'Held at depot' }]);
    const [raised] = await sub.take(1, 10_000);
    // A figure, not an assertion (the machine may be loaded): push → alert on the subscriber.
    console.log(`partner push → alertChanged RAISED: ${Date.now() - t0} ms`);
    expect(raised!.data?.alertChanged).toMatchObject({ change: 'RAISED', severity: 'WARNING', alert: { kind: 'SHIPMENT_EXCEPTION', status: 'OPEN', client: { id: clientId } } });
    await push([{ id: 'e2', occurredAt: new Date(Date.now() - 30_000).toISOString(), status: 'DELIVERY_FAILED', description: 'Recipient away' }]);
    await push([{ id: 'e3', occurredAt: new Date().toISOString(), status: 'DELIVERED', description: 'Delivered' }]);
    const [resolved] = await sub.take(1);
    expect(resolved!.data?.alertChanged).toMatchObject({ change: 'RESOLVED', alert: { status: 'RESOLVED' } });
    const all = await alertsOf(clientId, ['SHIPMENT_EXCEPTION']);
    expect(all).toHaveLength(1);
    expect(all[0]!.resolutionNote).toBe('shipment delivered');
    await critical.expectSilence(300);
    await sub.close();
    await critical.close();
  });

  it('refuses alertChanged to a PARTNER key', async () => {
    const sub = subscribe<SubData>(hub, SUB, {}, keys.partner);
    const first = await sub.next(5000);
    expect(first.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await sub.close();
  });
});

describe('CREDIT_LIMIT_NEAR and the alert lifecycle', () => {
  it('raises at 90% utilisation; acknowledge and resolve are recorded and guarded', async () => {
    const clientId = await createClient('SUPPLIER');
    await openLine(clientId, '100000');
    await disbursedDeal(clientId, '95000', TODAY, 90);
    const [alert] = await waitFor(() => alertsOf(clientId, ['CREDIT_LIMIT_NEAR']), (a) => a.length === 1);
    expect(alert).toMatchObject({ kind: 'CREDIT_LIMIT_NEAR', severity: 'WARNING', status: 'OPEN' });
    expect(alert!.message).toMatch(/95% used/);

    const ACK = `mutation($id: ID!) { acknowledgeAlert(id: $id) { id status } }`;
    const RESOLVE = `mutation($id: ID!, $note: String!) { resolveAlert(id: $id, note: $note) { id status resolutionNote resolvedBy } }`;
    expect((await hub.gql(ACK, { id: alert!.id }, { key: keys.viewer })).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await hub.ok<{ acknowledgeAlert: { status: string } }>(ACK, { id: alert!.id }, keys.rm)).acknowledgeAlert.status).toBe('ACKNOWLEDGED');
    expect((await hub.gql(ACK, { id: alert!.id }, { key: keys.rm })).body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await hub.gql(RESOLVE, { id: alert!.id, note: ' ' }, { key: keys.risk })).body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const done = await hub.ok<{ resolveAlert: Record<string, string> }>(RESOLVE, { id: alert!.id, note: 'Limit raised at the review' }, keys.risk);
    expect(done.resolveAlert).toMatchObject({ status: 'RESOLVED', resolutionNote: 'Limit raised at the review' });
    expect((await hub.gql(RESOLVE, { id: alert!.id, note: 'again' })).body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await hub.gql(ACK, { id: '00000000-0000-4000-8000-000000000000' })).body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const filtered = await hub.ok<{ alerts: { totalCount: number } }>(
      `query($f: AlertFilter) { alerts(filter: $f) { totalCount } }`,
      { f: { clientId, statuses: ['OPEN', 'ACKNOWLEDGED'] } },
      keys.viewer,
    );
    expect(filtered.alerts.totalCount).toBe(0);
  });
});

describe('CREDIT_DETERIORATION', () => {
  it('is raised when a re-assessment lowers the tier', async () => {
    const clientId = await createClient('CORE_ENTERPRISE', { creditRating: 'AAA' });
    const ADD = `mutation($input: AddFinancialStatementInput!) { addFinancialStatement(input: $input) { id zone } }`;
    await hub.ok(ADD, { input: healthyStatement(clientId, '2024-12-31') });
    await waitFor(() => alertsOf(clientId), () => true, 300);
    const before = await hub.ok<{ assessClientRisk: { tier: string } }>(`mutation($id: ID!) { assessClientRisk(clientId: $id) { tier } }`, { id: clientId });
    expect(before.assessClientRisk.tier).toBe('PREMIUM');
    await hub.ok(ADD, {
      input: healthyStatement(clientId, '2025-12-31', { totalLiabilities: '950000.00', currentLiabilities: '900000.00', retainedEarnings: '-400000.00', ebit: '-80000.00', bookEquity: '50000.00' }),
    });
    const [alert] = await waitFor(() => alertsOf(clientId, ['CREDIT_DETERIORATION']), (a) => a.length === 1);
    expect(alert).toMatchObject({ kind: 'CREDIT_DETERIORATION', status: 'OPEN' });
    expect(alert!.message).toMatch(/tier fell from PREMIUM to (STANDARD|SUBPRIME)/);
  });
});
