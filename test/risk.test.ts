import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, businessDate } from '../src/financing/financing.rules.js';
import { DurableConsumer } from '../src/events/consumer.js';
import { RISK_CONSUMER, riskRetryPolicy, riskRules } from '../src/risk/risk.reactions.js';
import { DEFAULT_ALERT_THRESHOLDS } from '../src/risk/alert.rules.js';
import { Role, type TestHub } from './helpers/hub.js';
import { createClient as createTestClient, registerPartner, registerShipment, sql, startLogisticsHub } from './helpers/logistics.js';
import { healthyStatement, waitFor } from './helpers/risk.js';

let hub: TestHub;
const keys = {} as Record<'rm' | 'risk' | 'viewer' | 'partner', string>;

beforeAll(async () => {
  hub = await startLogisticsHub();
  [keys.rm, keys.risk, keys.viewer] = await Promise.all([hub.keyFor(Role.RELATIONSHIP_MANAGER), hub.keyFor(Role.RISK_OFFICER), hub.keyFor(Role.VIEWER)]);
  await registerPartner(hub, { code: 'risk-carrier', kind: 'GENERIC', name: 'Risk Carrier', webhookSecret: 'risk-carrier-secret' });
  keys.partner = await hub.keyFor(Role.PARTNER, 'risk-carrier');
});
afterAll(async () => {
  await hub?.close();
});

const TODAY = businessDate(new Date());
const createClient = (kind: string, extra: Record<string, unknown> = {}) =>
  createTestClient(hub, { kind, industry: 'AUTOMOTIVE', status: 'ACTIVE', ...extra });


const ADD = `mutation($input: AddFinancialStatementInput!) { addFinancialStatement(input: $input) {
  id periodEnd debtRatio currentRatio operatingCashFlowCoverage zScore zone } }`;
const ASSESS = `mutation($id: ID!) { assessClientRisk(clientId: $id) {
  id score tier zScore zone reasons modelVersion trigger assessedBy assessedAt dimensions { dimension weight score contribution detail } } }`;
const RISK_OF = `query($id: ID!) { client(id: $id) {
  riskAssessment { id score tier zone trigger reasons }
  riskAssessments { id trigger tier }
  financialStatements { periodEnd zScore zone } } }`;

interface AssessmentRow {
  id: string;
  score: number;
  tier: string;
  zScore: string | null;
  zone: string | null;
  reasons: string[];
  modelVersion: string;
  trigger: string;
  dimensions: { dimension: string; weight: number; score: number; contribution: number; detail: string }[];
}
interface RiskOf {
  client: {
    riskAssessment: { id: string; score: number; tier: string; zone: string | null; trigger: string; reasons: string[] } | null;
    riskAssessments: { id: string; trigger: string; tier: string }[];
    financialStatements: { periodEnd: string; zScore: string; zone: string }[];
  };
}

const riskOf = (id: string) => hub.ok<RiskOf>(RISK_OF, { id });

describe('addFinancialStatement', () => {
  it('computes the ratios and Altman Z″ with its zone', async () => {
    const id = await createClient('SUPPLIER');
    const data = await hub.ok<{ addFinancialStatement: Record<string, string> }>(ADD, { input: healthyStatement(id) }, keys.rm);
    // X1 = 0.3, X2 = 0.25, X3 = 0.12, X4 = 1.5: Z″ = 1.968 + 0.815 + 0.8064 + 1.575 = 5.1644
    expect(data.addFinancialStatement).toMatchObject({
      periodEnd: '2025-12-31',
      debtRatio: '0.40',
      currentRatio: '2.00',
      operatingCashFlowCoverage: '0.30',
      zScore: '5.1644',
      zone: 'SAFE',
    });
    const distress = await hub.ok<{ addFinancialStatement: Record<string, string> }>(
      ADD,
      { input: healthyStatement(id, '2024-12-31', { retainedEarnings: '-300000.00', ebit: '-50000.00', bookEquity: '100000.00', currentAssets: '200000.00' }) },
      keys.risk,
    );
    expect(distress.addFinancialStatement.zone).toBe('DISTRESS');
    const listed = await riskOf(id);
    expect(listed.client.financialStatements.map((s) => s.periodEnd)).toEqual(['2025-12-31', '2024-12-31']);
  });

  it('refuses a second statement for the same period, and figures that leave a ratio undefined', async () => {
    const id = await createClient('DISTRIBUTOR');
    await hub.ok(ADD, { input: healthyStatement(id) });
    const dup = await hub.gql(ADD, { input: healthyStatement(id) });
    expect(dup.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.periodEnd' });
    const zero = await hub.gql(ADD, { input: healthyStatement(id, '2024-12-31', { totalAssets: '0' }) });
    expect(zero.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.totalAssets' });
    const noCurrentLiabilities = await hub.gql(ADD, { input: healthyStatement(id, '2024-12-31', { currentLiabilities: '0.00' }) });
    expect(noCurrentLiabilities.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.currentLiabilities' });
    const future = await hub.gql(ADD, { input: healthyStatement(id, addDays(TODAY, 5)) });
    expect(future.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.periodEnd' });
    const unknown = await hub.gql(ADD, { input: healthyStatement('00000000-0000-4000-8000-000000000000') });
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const viewer = await hub.gql(ADD, { input: healthyStatement(id, '2023-12-31') }, { key: keys.viewer });
    expect(viewer.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await sql(hub, 'select 1 from financial_statement where client_id = ?', [id])).toHaveLength(1);
  });
});

describe('assessClientRisk', () => {
  it('scores dimension by dimension and keeps every assessment', async () => {
    const id = await createClient('CORE_ENTERPRISE', { creditRating: 'AA' });
    const first = (await hub.ok<{ assessClientRisk: AssessmentRow }>(ASSESS, { id }, keys.risk)).assessClientRisk;
    expect(first).toMatchObject({ trigger: 'MANUAL', zScore: null, zone: null, modelVersion: expect.stringMatching(/^scf-risk-/) });
    expect(first.dimensions.map((d) => d.dimension)).toEqual(['FINANCIAL', 'REPAYMENT', 'OPERATIONAL', 'INDUSTRY', 'CONCENTRATION', 'EXTERNAL_RATING']);
    expect(first.dimensions.find((d) => d.dimension === 'FINANCIAL')!.detail).toBe('no financial statement on file');
    const total = first.dimensions.reduce((s, d) => s + d.score * d.weight, 0);
    expect(first.score).toBeCloseTo(total, 0);

    await hub.ok(ADD, { input: healthyStatement(id) });
    // The statement re-assesses the client by itself (the outbox reaction).
    const after = await waitFor(() => riskOf(id), (r) => r.client.riskAssessments.length >= 2);
    expect(after.client.riskAssessments.map((a) => a.trigger)).toEqual(['STATEMENT_ADDED', 'MANUAL']);
    expect(after.client.riskAssessment).toMatchObject({ trigger: 'STATEMENT_ADDED', zone: 'SAFE' });
    expect(after.client.riskAssessment!.score).toBeGreaterThan(first.score);

    const rm = await hub.gql(ASSESS, { id }, { key: keys.rm });
    expect(rm.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const unknown = await hub.gql(ASSESS, { id: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('drops a supplier 70 days past due out of PREMIUM, from the bucket history, and re-assesses on the bucket change', async () => {
    const id = await createClient('SUPPLIER', { creditRating: 'AAA' });
    await hub.ok(ADD, { input: healthyStatement(id) });
    const premium = (await hub.ok<{ assessClientRisk: AssessmentRow }>(ASSESS, { id })).assessClientRisk;
    expect(premium.tier).toBe('PREMIUM');

    const line = await hub.ok<{ openCreditLine: { id: string } }>(
      `mutation($input: OpenCreditLineInput!) { openCreditLine(input: $input) { id } }`,
      { input: { clientId: id, limit: '1000000', expiresAt: new Date(Date.now() + 365 * 86_400_000).toISOString() } },
    );
    expect(line.openCreditLine.id).toBeTruthy();
    const deal = await hub.ok<{ createFinancing: { id: string } }>(
      `mutation($input: CreateFinancingInput!) { createFinancing(input: $input) { id } }`,
      { input: { clientId: id, product: 'CREDIT_LOAN', amount: '100000', annualRate: '0.08', tenorDays: 30, contractDate: addDays(TODAY, -100) } },
    );
    const fid = deal.createFinancing.id;
    await hub.ok(`mutation($id: ID!) { approveFinancing(id: $id) { id } }`, { id: fid });
    await hub.ok(`mutation($id: ID!, $at: DateTime) { disburseFinancing(id: $id, disbursedAt: $at) { id } }`, { id: fid, at: `${addDays(TODAY, -100)}T10:00:00+08:00` });
    await hub.ok(`mutation { runDelinquencyScan { bucketChanges } }`);

    const after = await waitFor(() => riskOf(id), (r) => r.client.riskAssessment?.trigger === 'BUCKET_CHANGED');
    expect(after.client.riskAssessment).toMatchObject({ trigger: 'BUCKET_CHANGED', tier: 'STANDARD' });
    expect(after.client.riskAssessment!.reasons.join(' ')).toMatch(/up to 70 days past due in the last 12 months/);
  });

  it('counts the exceptions of a client’s shipments, re-assesses on one, and the carrier that carries them', async () => {
    const core = await createClient('CORE_ENTERPRISE');
    const carrier = await createClient('LOGISTICS_PROVIDER', { industry: 'LOGISTICS' });
    await hub.ok(`mutation($input: LinkSupplyChainInput!) { linkSupplyChain(input: $input) { id } }`, {
      input: { coreEnterpriseId: core, counterpartyId: carrier, role: 'LOGISTICS_PROVIDER' },
    });
    for (let i = 0; i < 5; i++) await registerShipment(hub, { partnerCode: 'risk-carrier', trackingNumber: `RISK-${core.slice(0, 6)}-${i}`, clientId: core });
    const push = await hub.gql(
      `mutation($input: PushTrackingEventsInput!) { pushTrackingEvents(input: $input) { changed } }`,
      { input: { partnerCode: 'risk-carrier', trackingNumber: `RISK-${core.slice(0, 6)}-0`, events: [{ occurredAt: new Date().toISOString(), status: 'EXCEPTION', description: 'Damaged' }] } },
      { key: keys.partner },
    );
    expect(push.body.errors).toBeUndefined();
    const coreRisk = await waitFor(() => riskOf(core), (r) => r.client.riskAssessment?.trigger === 'SHIPMENT_EXCEPTION');
    expect(coreRisk.client.riskAssessment?.trigger).toBe('SHIPMENT_EXCEPTION');
    const carrierRisk = await waitFor(() => riskOf(carrier), (r) => r.client.riskAssessment?.trigger === 'SHIPMENT_EXCEPTION');
    expect(carrierRisk.client.riskAssessment?.trigger).toBe('SHIPMENT_EXCEPTION');
    const detail = await hub.ok<{ client: { riskAssessment: { dimensions: { dimension: string; detail: string }[] } } }>(
      `query($id: ID!) { client(id: $id) { riskAssessment { dimensions { dimension detail } } } }`,
      { id: carrier },
    );
    expect(detail.client.riskAssessment.dimensions.find((d) => d.dimension === 'OPERATIONAL')!.detail).toBe('20% exceptions and 0% delays among 5 shipments it carried');
  });

  it('acts on an event once: its position is stored with the assessments it caused', async () => {
    const id = await createClient('DISTRIBUTOR');
    await hub.ok(ADD, { input: healthyStatement(id) });
    await waitFor(() => riskOf(id), (r) => r.client.riskAssessments.length === 1);
    const [row] = await sql<{ seq: string; txid: string; topic: string; aggregate_id: string; payload: Record<string, unknown>; created_at: string }>(
      hub,
      `select seq::text, txid::text, topic, aggregate_id, payload, created_at from outbox_event where topic = 'risk.statement_added' and payload->>'clientId' = ? `,
      [id],
    );
    // A second consumer (another hub, or this one after a restart replaying it) skips it.
    const again = new DurableConsumer(hub.orm, hub.hub.dispatcher, { name: RISK_CONSUMER, rules: riskRules(DEFAULT_ALERT_THRESHOLDS), retry: riskRetryPolicy(), log: hub.hub.log });
    const acted = await again.handle({ seq: row!.seq, txid: row!.txid, topic: row!.topic, aggregateId: row!.aggregate_id, payload: row!.payload, createdAt: new Date(row!.created_at) });
    expect(acted).toBe(false);
    expect((await riskOf(id)).client.riskAssessments).toHaveLength(1);
  });
});
