import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessDate } from '../src/financing/financing.rules.js';
import { Role, type TestHub } from './helpers/hub.js';
import { createClient as createTestClient, registerPartner, registerShipment, sql, startLogisticsHub } from './helpers/logistics.js';
import { subscribe, waitForStreams } from './helpers/ws.js';
import { clientAlerts, waitFor } from './helpers/risk.js';

let hub: TestHub;
const keys = {} as Record<'risk' | 'viewer' | 'partner', string>;
const DAY = 86_400_000;
const PARTNER = 'scan-carrier';

beforeAll(async () => {
  // Thresholds other than the defaults: the rules must read the configuration.
  hub = await startLogisticsHub({ RISK_ALERT_SCORE_DROP: 3, RISK_ALERT_COMPLAINT_DAYS: 10, RISK_ALERT_DELAY_CRITICAL_DAYS: 5, RISK_ALERT_CARRIER_EXCEPTION_RATE: '0.25', RISK_ALERT_CARRIER_MIN_SHIPMENTS: 4 });
  [keys.risk, keys.viewer] = await Promise.all([hub.keyFor(Role.RISK_OFFICER), hub.keyFor(Role.VIEWER)]);
  await registerPartner(hub, { code: PARTNER, kind: 'GENERIC', name: 'Scan Carrier', webhookSecret: 'scan-carrier-secret' });
  keys.partner = await hub.keyFor(Role.PARTNER, PARTNER);
});
afterAll(async () => {
  await hub?.close();
});

const createClient = (kind: string, extra: Record<string, unknown> = {}) =>
  createTestClient(hub, { kind, industry: 'AUTOMOTIVE', status: 'ACTIVE', relationshipManager: 'Li Na', ...extra });

interface AlertRow {
  id: string;
  kind: string;
  severity: string;
  status: string;
  subjectType: string;
  subjectId: string;
  message: string;
  assignedTo: string | null;
  resolutionNote: string | null;
  resolvedBy: string | null;
}
const alertsOf = (clientId: string, kinds: string[]) =>
  clientAlerts<AlertRow>(hub, 'id kind severity status subjectType subjectId message assignedTo resolutionNote resolvedBy', clientId, kinds);

interface ScanResult {
  runRiskScan: { rules: { kind: string; raised: number; escalated: number; resolved: number }[] };
}
const scan = async (at?: Date) =>
  Object.fromEntries(
    (await hub.ok<ScanResult>(`mutation($at: DateTime) { runRiskScan(at: $at) { rules { kind raised escalated resolved } } }`, { at: at?.toISOString() ?? null }, keys.risk)).runRiskScan.rules.map(
      ({ kind, ...counts }) => [kind, counts],
    ),
  );

const push = (trackingNumber: string, id: string, status: string, extra: Record<string, unknown> = {}) =>
  hub.ok(
    `mutation($input: PushTrackingEventsInput!) { pushTrackingEvents(input: $input) { changed } }`,
    { input: { partnerCode: PARTNER, trackingNumber, events: [{ id, occurredAt: new Date().toISOString(), status, description: status, ...extra }] } },
    keys.partner,
  );

describe('runRiskScan', () => {
  it('is for risk assessors, and refuses a moment in the future naming it', async () => {
    const viewer = await hub.gql(`mutation { runRiskScan { at } }`, {}, { key: keys.viewer });
    expect(viewer.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const future = await hub.gql(`mutation($at: DateTime) { runRiskScan(at: $at) { at } }`, { at: new Date(Date.now() + DAY).toISOString() }, { key: keys.risk });
    expect(future.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'at' });
  });
});

describe('SHIPMENT_DELAYED', () => {
  it('is raised by the scan for a shipment past its expected delivery, escalates with time, and resolves itself on delivery', async () => {
    const clientId = await createClient('DISTRIBUTOR');
    const late = await registerShipment(hub, { partnerCode: PARTNER, trackingNumber: `LATE-${clientId.slice(0, 8)}`, clientId, expectedDeliveryAt: new Date(Date.now() - 6 * DAY).toISOString() });
    const onTime = await registerShipment(hub, { partnerCode: PARTNER, trackingNumber: `ONTIME-${clientId.slice(0, 8)}`, clientId, expectedDeliveryAt: new Date(Date.now() + 3 * DAY).toISOString() });

    // Judged three days ago, the late one was three days late: WARNING.
    expect((await scan(new Date(Date.now() - 3 * DAY))).SHIPMENT_DELAYED).toMatchObject({ raised: 1 });
    let alerts = await alertsOf(clientId, ['SHIPMENT_DELAYED']);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'WARNING', status: 'OPEN', subjectType: 'SHIPMENT', subjectId: late.id, assignedTo: 'Li Na' });
    expect(alerts[0]!.message).toMatch(/3 days past its expected delivery .* and is PENDING/);
    // Now it is six days late, past the configured five: CRITICAL, the same alert.
    expect((await scan()).SHIPMENT_DELAYED).toMatchObject({ raised: 0, escalated: 1 });
    // A repeat changes nothing.
    expect((await scan()).SHIPMENT_DELAYED).toMatchObject({ raised: 0, escalated: 0, resolved: 0 });
    alerts = await alertsOf(clientId, ['SHIPMENT_DELAYED']);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'CRITICAL', subjectId: late.id });
    expect(alerts.some((a) => a.subjectId === onTime.id)).toBe(false);

    // Moving is not arriving; delivery resolves it through the outbox, no scan needed.
    await push(late.trackingNumber, 'l1', 'IN_TRANSIT');
    await push(late.trackingNumber, 'l2', 'DELIVERED');
    const resolved = await waitFor(() => alertsOf(clientId, ['SHIPMENT_DELAYED']), (a) => a[0]?.status === 'RESOLVED');
    expect(resolved[0]).toMatchObject({ status: 'RESOLVED', resolvedBy: 'risk rules' });
    expect(resolved[0]!.resolutionNote).toMatch(/is DELIVERED since/);
  });

  it('is raised live when a partner update comes for a shipment already late', async () => {
    const clientId = await createClient('SUPPLIER');
    const s = await registerShipment(hub, { partnerCode: PARTNER, trackingNumber: `LIVE-${clientId.slice(0, 8)}`, clientId, expectedDeliveryAt: new Date(Date.now() - DAY - 3_600_000).toISOString() });
    const sub = subscribe<{ alertChanged: { change: string; alert: { kind: string; severity: string } } }>(
      hub,
      `subscription($f: AlertChangedFilter) { alertChanged(filter: $f) { change alert { kind severity } } }`,
      { f: { clientId, kinds: ['SHIPMENT_DELAYED'] } },
      keys.viewer,
    );
    await waitForStreams(hub, 1);
    await push(s.trackingNumber, 'v1', 'IN_TRANSIT');
    const [raised] = await sub.take(1);
    expect(raised!.data?.alertChanged).toEqual({ change: 'RAISED', alert: { kind: 'SHIPMENT_DELAYED', severity: 'WARNING' } });
    await sub.close();
  });
});

describe('COMPLAINT_UNRESOLVED', () => {
  it('is raised for a complaint open past the configured days, escalates at twice as many, and resolves with the complaint', async () => {
    const clientId = await createClient('SUPPLIER');
    const { submitFeedback } = await hub.ok<{ submitFeedback: { id: string } }>(
      `mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { id } }`,
      { input: { clientId, kind: 'COMPLAINT', category: 'APPROVAL_SPEED', body: 'Approval took three weeks' } },
    );
    const age = (days: number) => sql(hub, `update feedback set submitted_at = now() - make_interval(days => ?) where id = ?`, [days, submitFeedback.id]);

    await age(9);
    expect((await scan()).COMPLAINT_UNRESOLVED).toMatchObject({ raised: 0 });
    await age(11);
    expect((await scan()).COMPLAINT_UNRESOLVED).toMatchObject({ raised: 1 });
    let [alert] = await alertsOf(clientId, ['COMPLAINT_UNRESOLVED']);
    expect(alert).toMatchObject({ severity: 'WARNING', subjectType: 'COMPLAINT', subjectId: submitFeedback.id });
    expect(alert!.message).toBe(`approval speed complaint of ${new Date(Date.now() - 11 * DAY).toISOString().slice(0, 10)} is still OPEN after 11 days`);
    // In progress is not resolved.
    await hub.ok(`mutation($id: ID!) { startComplaint(id: $id) { id } }`, { id: submitFeedback.id });
    await age(21);
    // The scan escalates it — or the reaction to the start, if it came after the ageing.
    await scan();
    [alert] = await waitFor(() => alertsOf(clientId, ['COMPLAINT_UNRESOLVED']), (a) => a[0]?.severity === 'CRITICAL');
    expect(alert).toMatchObject({ severity: 'CRITICAL', status: 'OPEN' });
    expect(alert!.message).toMatch(/still IN_PROGRESS after 21 days/);

    await hub.ok(`mutation($input: ResolveComplaintInput!) { resolveComplaint(input: $input) { id } }`, { input: { id: submitFeedback.id, resolution: 'Fast-track approvals agreed' } });
    const resolved = await waitFor(() => alertsOf(clientId, ['COMPLAINT_UNRESOLVED']), (a) => a[0]?.status === 'RESOLVED');
    expect(resolved[0]).toMatchObject({ status: 'RESOLVED', resolvedBy: 'risk rules' });
    expect(resolved[0]!.resolutionNote).toMatch(/complaint of .* was resolved/);
  });
});

describe('CARRIER_SAFETY', () => {
  it("is raised on a logistics provider when the exception rate of what it carries reaches the threshold, and clears when it falls", async () => {
    const core = await createClient('CORE_ENTERPRISE');
    const carrier = await createClient('LOGISTICS_PROVIDER', { industry: 'LOGISTICS', name: 'Swift Haulage' });
    await hub.ok(`mutation($input: LinkSupplyChainInput!) { linkSupplyChain(input: $input) { id } }`, {
      input: { coreEnterpriseId: core, counterpartyId: carrier, role: 'LOGISTICS_PROVIDER' },
    });
    const shipments = [];
    for (let i = 0; i < 4; i++) shipments.push(await registerShipment(hub, { partnerCode: PARTNER, trackingNumber: `CARRY-${core.slice(0, 6)}-${i}`, clientId: core }));

    // One in four is 25%: the threshold, raised from the push itself.
    await push(shipments[0]!.trackingNumber, 'c1', 'EXCEPTION', { reason: 'DAMAGED' });
    let [alert] = await waitFor(() => alertsOf(carrier, ['CARRIER_SAFETY']), (a) => a.length === 1);
    expect(alert).toMatchObject({ severity: 'WARNING', status: 'OPEN', subjectType: 'CLIENT', subjectId: carrier });
    expect(alert!.message).toBe('Swift Haulage: 1 exceptions in 4 shipments carried over the last 365 days (25.0%), at or above the 25.0% threshold');
    // Two in four is twice the threshold: CRITICAL.
    await push(shipments[1]!.trackingNumber, 'c2', 'DELIVERY_FAILED');
    [alert] = await waitFor(() => alertsOf(carrier, ['CARRIER_SAFETY']), (a) => a[0]?.severity === 'CRITICAL');
    expect(alert).toMatchObject({ severity: 'CRITICAL', status: 'OPEN' });

    // Eight clean shipments more: 2 in 12, below; the scan resolves it.
    for (let i = 4; i < 12; i++) await registerShipment(hub, { partnerCode: PARTNER, trackingNumber: `CARRY-${core.slice(0, 6)}-${i}`, clientId: core });
    expect((await scan()).CARRIER_SAFETY).toMatchObject({ resolved: 1 });
    [alert] = await alertsOf(carrier, ['CARRIER_SAFETY']);
    expect(alert).toMatchObject({ status: 'RESOLVED', resolvedBy: 'risk rules' });
    expect(alert!.resolutionNote).toMatch(/2 exceptions in 12 shipments .*16.7%.*below the 25.0% threshold/);
  });
});

describe('CONCENTRATION', () => {
  async function approvedLoan(clientId: string, amount: string): Promise<string> {
    await hub.ok(`mutation($input: OpenCreditLineInput!) { openCreditLine(input: $input) { id } }`, {
      input: { clientId, limit: '1000000', expiresAt: new Date(Date.now() + 365 * DAY).toISOString() },
    });
    const { createFinancing } = await hub.ok<{ createFinancing: { id: string } }>(`mutation($input: CreateFinancingInput!) { createFinancing(input: $input) { id } }`, {
      input: { clientId, product: 'CREDIT_LOAN', amount, annualRate: '0.08', tenorDays: 90, contractDate: businessDate(new Date()) },
    });
    await hub.ok(`mutation($id: ID!) { approveFinancing(id: $id) { id } }`, { id: createFinancing.id });
    return createFinancing.id;
  }

  it("is raised on a core enterprise when one chain member carries most of the chain's exposure, and clears as it spreads", async () => {
    const core = await createClient('CORE_ENTERPRISE');
    const [big, small, third] = await Promise.all([
      createClient('SUPPLIER', { name: 'Big Parts Co' }),
      createClient('SUPPLIER'),
      createClient('DISTRIBUTOR'),
    ]);
    for (const [id, role] of [[big, 'SUPPLIER'], [small, 'SUPPLIER'], [third, 'DISTRIBUTOR']] as const) {
      await hub.ok(`mutation($input: LinkSupplyChainInput!) { linkSupplyChain(input: $input) { id } }`, { input: { coreEnterpriseId: core, counterpartyId: id, role } });
    }
    await approvedLoan(big, '90000.00');
    // One member alone is not a concentration of a chain.
    expect(await alertsOf(core, ['CONCENTRATION'])).toEqual([]);
    await approvedLoan(small, '10000.00');
    let [alert] = await waitFor(() => alertsOf(core, ['CONCENTRATION']), (a) => a.length === 1);
    expect(alert).toMatchObject({ severity: 'CRITICAL', status: 'OPEN', subjectId: core });
    expect(alert!.message).toBe('Big Parts Co carries 90.0% of the exposure across its supply chain (90000.00 of 100000.00), at or above the 60.0% threshold');
    // A third member with as much as the first: 47.4% at most, below 60%.
    await approvedLoan(third, '90000.00');
    [alert] = await waitFor(() => alertsOf(core, ['CONCENTRATION']), (a) => a[0]?.status === 'RESOLVED');
    expect(alert).toMatchObject({ status: 'RESOLVED', resolvedBy: 'risk rules' });
    expect(alert!.resolutionNote).toMatch(/is down to 47\.4%/);
    // The scan agrees: nothing to change.
    expect((await scan()).CONCENTRATION).toEqual({ raised: 0, escalated: 0, resolved: 0 });
  });
});

describe('CREDIT_DETERIORATION on a score drop', () => {
  it('resolves itself when the score is back where it was before the drop', async () => {
    const clientId = await createClient('DISTRIBUTOR', { creditRating: 'BB' });
    const statement = (periodEnd: string, over: Record<string, string> = {}) => ({
      clientId,
      periodEnd,
      totalAssets: '1000000.00',
      totalLiabilities: '500000.00',
      currentAssets: '600000.00',
      currentLiabilities: '350000.00',
      retainedEarnings: '200000.00',
      ebit: '90000.00',
      revenue: '1500000.00',
      bookEquity: '500000.00',
      operatingCashFlow: '70000.00',
      ...over,
    });
    const ADD = `mutation($input: AddFinancialStatementInput!) { addFinancialStatement(input: $input) { id } }`;
    const assessments = () =>
      hub.ok<{ client: { riskAssessments: { score: number; tier: string }[] } }>(`query($id: ID!) { client(id: $id) { riskAssessments { score tier } } }`, { id: clientId });
    await hub.ok(ADD, { input: statement('2023-12-31') });
    await waitFor(assessments, (d) => d.client.riskAssessments.length === 1);
    // A weaker year: lower ratios, the same tier (72.8 → 65.2, STANDARD both).
    await hub.ok(ADD, { input: statement('2024-12-31', { ebit: '5000.00', retainedEarnings: '10000.00', operatingCashFlow: '4000.00', currentLiabilities: '500000.00' }) });
    await waitFor(assessments, (d) => d.client.riskAssessments.length === 2);
    const [alert] = await waitFor(() => alertsOf(clientId, ['CREDIT_DETERIORATION']), (a) => a.length === 1);
    expect(alert).toMatchObject({ severity: 'INFO', status: 'OPEN' });
    expect(alert!.message).toMatch(/^score fell by/);
    // Back to the first year's figures.
    await hub.ok(ADD, { input: statement('2025-12-31') });
    const [resolved] = await waitFor(() => alertsOf(clientId, ['CREDIT_DETERIORATION']), (a) => a[0]?.status === 'RESOLVED');
    expect(resolved).toMatchObject({ status: 'RESOLVED', resolvedBy: 'risk rules' });
    expect(resolved!.resolutionNote).toMatch(/^score recovered to [\d.]+ \([\d.]+ before the drop\), tier /);
  });
});

describe('the scheduled scan', () => {
  it('runs again on its interval', async () => {
    const own = await startLogisticsHub({ RISK_SCAN_ENABLED: true, RISK_SCAN_INTERVAL_SECONDS: 5, RISK_ALERT_COMPLAINT_DAYS: 3 });
    try {
      const clientId = await createTestClient(own, { kind: 'SUPPLIER', status: 'ACTIVE' });
      const { submitFeedback } = await own.ok<{ submitFeedback: { id: string } }>(
        `mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { id } }`,
        { input: { clientId, kind: 'COMPLAINT', category: 'SERVICE', body: 'No one called back' } },
      );
      await sql(own, `update feedback set submitted_at = now() - interval '4 days' where id = ?`, [submitFeedback.id]);
      const started = Date.now();
      const raised = await waitFor(
        () => own.ok<{ alerts: { edges: { node: { kind: string } }[] } }>(`query($f: AlertFilter) { alerts(filter: $f) { edges { node { kind } } } }`, { f: { clientId } }),
        (d) => d.alerts.edges.length > 0,
        12_000,
      );
      expect(raised.alerts.edges.map((e) => e.node.kind)).toEqual(['COMPLAINT_UNRESOLVED']);
      console.log(`scheduled scan raised the alert ${Date.now() - started} ms after the complaint aged (interval 5 s)`);
    } finally {
      await own.close();
    }
  }, 30_000);
});
