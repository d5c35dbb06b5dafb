import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usccFromNumber } from '../src/clients/uscc.js';
import { OutboxEvent } from '../src/events/outbox.entity.js';
import { CreditLine } from '../src/financing/credit-line.entity.js';
import { businessDate, addDays } from '../src/financing/financing.rules.js';
import { Role, startTestHub, type GqlResponse, type TestHub } from './helpers/hub.js';

let hub: TestHub;
let rmKey: string;
let riskKey: string;
let viewerKey: string;

beforeAll(async () => {
  hub = await startTestHub();
  [rmKey, riskKey, viewerKey] = await Promise.all([
    hub.keyFor(Role.RELATIONSHIP_MANAGER),
    hub.keyFor(Role.RISK_OFFICER),
    hub.keyFor(Role.VIEWER),
  ]);
});
afterAll(async () => {
  await hub?.close();
});

// ---- arrangement ---------------------------------------------------------------------------

let serial = 0;
const TODAY = businessDate(new Date());
/** A business date `n` days before today. */
const daysAgo = (n: number) => addDays(TODAY, -n);
/** 10:00 China time on a business date. */
const at = (date: string) => (date === TODAY ? new Date().toISOString() : `${date}T10:00:00+08:00`);
const nextYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString();

async function createClient(kind: string, extra: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
  const n = ++serial;
  const data = await hub.ok<{ createClient: { id: string; name: string } }>(
    `mutation($input: CreateClientInput!) { createClient(input: $input) { id name } }`,
    {
      input: {
        name: `Financing Test ${kind} ${n}`,
        kind,
        industry: 'AUTOMOTIVE',
        unifiedSocialCreditCode: usccFromNumber(700_000 + n * 13),
        status: 'ACTIVE',
        ...extra,
      },
    },
  );
  return data.createClient;
}

async function link(coreEnterpriseId: string, counterpartyId: string, role = 'SUPPLIER'): Promise<void> {
  await hub.ok(`mutation($input: LinkSupplyChainInput!) { linkSupplyChain(input: $input) { id } }`, {
    input: { coreEnterpriseId, counterpartyId, role },
  });
}

interface LineRow {
  id: string;
  limit: string;
  utilized: string;
  available: string;
  status: string;
  currency: string;
}
const LINE_FIELDS = 'id limit utilized available status currency';

async function openLine(clientId: string, limit = '1000000.00', key = riskKey): Promise<LineRow> {
  const data = await hub.ok<{ openCreditLine: LineRow }>(
    `mutation($input: OpenCreditLineInput!) { openCreditLine(input: $input) { ${LINE_FIELDS} } }`,
    { input: { clientId, limit, expiresAt: nextYear() } },
    key,
  );
  return data.openCreditLine;
}

async function line(id: string): Promise<LineRow> {
  return (await hub.ok<{ creditLine: LineRow }>(`query($id: ID!) { creditLine(id: $id) { ${LINE_FIELDS} } }`, { id })).creditLine;
}

const CREATE = `mutation($input: CreateFinancingInput!) { createFinancing(input: $input) { id status amlHold } }`;

async function createFinancing(input: Record<string, unknown>): Promise<GqlResponse<{ createFinancing: { id: string; status: string; amlHold: boolean } }>> {
  return hub.gql(CREATE, { input: { product: 'CREDIT_LOAN', annualRate: '0.0365', tenorDays: 90, ...input } }, { key: rmKey });
}

async function newDeal(input: Record<string, unknown>): Promise<string> {
  const res = await createFinancing(input);
  expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
  return res.body.data!.createFinancing.id;
}

const APPROVE = `mutation($id: ID!) { approveFinancing(id: $id) { id status } }`;
const DISBURSE = `mutation($id: ID!, $at: DateTime) { disburseFinancing(id: $id, disbursedAt: $at) { id status maturityDate } }`;
const REPAY = `mutation($input: RecordRepaymentInput!) { recordRepayment(input: $input) { amount interest principal financing { status } } }`;

async function approve(id: string) {
  return hub.ok<{ approveFinancing: { status: string } }>(APPROVE, { id }, riskKey);
}
async function disburse(id: string, date?: string) {
  return hub.ok<{ disburseFinancing: { status: string; maturityDate: string } }>(DISBURSE, { id, at: date ? at(date) : null }, rmKey);
}
async function repay(financingId: string, amount: string, date: string) {
  return hub.gql<{ recordRepayment: { amount: string; interest: string; principal: string; financing: { status: string } } }>(
    REPAY,
    { input: { financingId, amount, paidAt: at(date) } },
    { key: rmKey },
  );
}

/** A borrower with an open line of `limit`. */
async function borrower(limit = '1000000.00', kind = 'SUPPLIER') {
  const client = await createClient(kind);
  const creditLine = await openLine(client.id, limit);
  return { client, creditLine };
}

const codeOf = (res: GqlResponse) => res.body.errors?.[0]?.extensions?.code;
const fieldOf = (res: GqlResponse) => res.body.errors?.[0]?.extensions?.field;

async function eventsOf(aggregateId: string, topic?: string): Promise<OutboxEvent[]> {
  return hub.orm.em.fork().find(OutboxEvent, { aggregateId, ...(topic ? { topic } : {}) }, { orderBy: { seq: 'asc' } });
}

// ---- credit lines --------------------------------------------------------------------------

describe('credit lines', () => {
  it('leaves exactly 599 999.90 available after 400 000.10 is disbursed from a line of 1 000 000', async () => {
    const { client, creditLine } = await borrower('1000000.00');
    const id = await newDeal({ clientId: client.id, amount: '400000.10' });
    expect((await line(creditLine.id)).available).toBe('1000000.00');
    await approve(id);
    // Approval reserves the amount …
    expect(await line(creditLine.id)).toMatchObject({ utilized: '400000.10', available: '599999.90' });
    await disburse(id);
    // … and disbursement turns it into outstanding principal: the same utilisation.
    const after = await line(creditLine.id);
    expect(after.available).toBe('599999.90');
    expect(after.utilized).toBe('400000.10');
    expect(after.limit).toBe('1000000.00');
  });

  it('keeps every limit change with its reason and author, and emits credit_line.changed', async () => {
    const { creditLine } = await borrower('500000.00');
    await hub.ok(
      `mutation($input: AdjustCreditLimitInput!) { adjustCreditLimit(input: $input) { limit } }`,
      { input: { creditLineId: creditLine.id, newLimit: '750000.50', reason: 'annual review: sales up 30%' } },
      riskKey,
    );
    const data = await hub.ok<{ creditLine: { limit: string; history: { kind: string; previousLimit: string | null; newLimit: string; reason: string | null; actorName: string }[] } }>(
      `query($id: ID!) { creditLine(id: $id) { limit history { kind previousLimit newLimit reason actorName } } }`,
      { id: creditLine.id },
    );
    expect(data.creditLine.limit).toBe('750000.50');
    expect(data.creditLine.history).toEqual([
      { kind: 'OPENED', previousLimit: null, newLimit: '500000.00', reason: null, actorName: 'test RISK_OFFICER' },
      { kind: 'LIMIT_ADJUSTED', previousLimit: '500000.00', newLimit: '750000.50', reason: 'annual review: sales up 30%', actorName: 'test RISK_OFFICER' },
    ]);
    const events = await eventsOf(creditLine.id, 'credit_line.changed');
    expect(events.map((e) => e.payload.change)).toEqual(['OPENED', 'LIMIT_ADJUSTED']);
  });

  it('refuses a reason-less adjustment and a second usable line in the same currency', async () => {
    const { client, creditLine } = await borrower();
    const res = await hub.gql(
      `mutation($input: AdjustCreditLimitInput!) { adjustCreditLimit(input: $input) { limit } }`,
      { input: { creditLineId: creditLine.id, newLimit: '1.00', reason: '  ' } },
      { key: riskKey },
    );
    expect([codeOf(res), fieldOf(res)]).toEqual(['BAD_USER_INPUT', 'input.reason']);
    const again = await hub.gql(
      `mutation($input: OpenCreditLineInput!) { openCreditLine(input: $input) { id } }`,
      { input: { clientId: client.id, limit: '5.00', expiresAt: nextYear() } },
      { key: riskKey },
    );
    expect(codeOf(again)).toBe('CONFLICT');
  });

  it('refuses deals against a frozen line until it is unfrozen, and an expired line altogether', async () => {
    const { client, creditLine } = await borrower();
    const id = await newDeal({ clientId: client.id, amount: '1000.00' });
    const freeze = `mutation($input: FreezeCreditLineInput!) { freezeCreditLine(input: $input) { status } }`;
    const unfreeze = `mutation($input: FreezeCreditLineInput!) { unfreezeCreditLine(input: $input) { status } }`;
    expect(await hub.ok(freeze, { input: { creditLineId: creditLine.id, reason: 'overdue tax filing' } }, riskKey)).toEqual({ freezeCreditLine: { status: 'FROZEN' } });
    const refused = await hub.gql(APPROVE, { id }, { key: riskKey });
    expect(codeOf(refused)).toBe('CONFLICT');
    expect(refused.body.errors?.[0]?.message).toContain('FROZEN');
    expect(codeOf(await createFinancing({ clientId: client.id, amount: '10.00' }))).toBe('CONFLICT');
    await hub.ok(unfreeze, { input: { creditLineId: creditLine.id, reason: 'filed' } }, riskKey);
    expect((await approve(id)).approveFinancing.status).toBe('APPROVED');

    // Expiry: the line's date passes.
    await hub.orm.em.fork().nativeUpdate(CreditLine, { id: creditLine.id }, { expiresAt: new Date(Date.now() - 1000) });
    expect((await line(creditLine.id)).status).toBe('EXPIRED');
    const late = await hub.gql(DISBURSE, { id, at: null }, { key: rmKey });
    expect(codeOf(late)).toBe('CONFLICT');
    expect(late.body.errors?.[0]?.message).toContain('EXPIRED');
    expect(codeOf(await createFinancing({ clientId: client.id, amount: '10.00' }))).toBe('CONFLICT');
  });

  it('refuses an approval that does not fit, saying what is available and what is needed', async () => {
    const { client } = await borrower('100000.00');
    const first = await newDeal({ clientId: client.id, amount: '60000.00' });
    const second = await newDeal({ clientId: client.id, amount: '40000.01' });
    await approve(first);
    const res = await hub.gql(APPROVE, { id: second }, { key: riskKey });
    expect(codeOf(res)).toBe('CREDIT_LIMIT_EXCEEDED');
    expect(res.body.errors?.[0]?.message).toContain('40000.00 CNY available');
    expect(res.body.errors?.[0]?.message).toContain('40000.01 CNY');
  });

  it('never lets twenty simultaneous approvals push utilized above the limit', async () => {
    const { client, creditLine } = await borrower('100000.00');
    // Twenty deals of 7 000: only fourteen fit in 100 000.
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await newDeal({ clientId: client.id, amount: '7000.00' }));
    const results = await Promise.all(ids.map((id) => hub.gql(APPROVE, { id }, { key: riskKey })));
    const codes = results.map((r) => codeOf(r) ?? 'OK');
    expect(codes.filter((c) => c === 'OK')).toHaveLength(14);
    expect(codes.filter((c) => c === 'CREDIT_LIMIT_EXCEEDED')).toHaveLength(6);
    expect(await line(creditLine.id)).toMatchObject({ utilized: '98000.00', available: '2000.00' });
  });
});

// ---- deals ---------------------------------------------------------------------------------

describe('createFinancing', () => {
  it('requires what each product needs, naming the missing piece', async () => {
    const core = await createClient('CORE_ENTERPRISE');
    const { client: supplier } = await borrower();
    const { client: distributor } = await borrower('1000000.00', 'DISTRIBUTOR');
    await link(core.id, supplier.id, 'SUPPLIER');
    await link(core.id, distributor.id, 'DISTRIBUTOR');
    const stranger = await createClient('CORE_ENTERPRISE');

    const cases: [Record<string, unknown>, string][] = [
      [{ clientId: supplier.id, product: 'REVERSE_FACTORING' }, 'input.anchorClientId'],
      [{ clientId: supplier.id, product: 'REVERSE_FACTORING', anchorClientId: stranger.id }, 'input.anchorClientId'],
      [{ clientId: supplier.id, product: 'RECEIVABLES_FACTORING' }, 'input.receivables'],
      [
        {
          clientId: supplier.id,
          product: 'RECEIVABLES_FACTORING',
          receivables: [{ invoiceNumber: 'INV-1', debtorId: core.id, amount: '2000.00', dueDate: daysAgo(-30) }, { invoiceNumber: 'INV-2', debtorId: core.id, amount: '2000.00', dueDate: daysAgo(1) }],
        },
        'input.receivables[1].dueDate',
      ],
      [
        { clientId: supplier.id, product: 'RECEIVABLES_FACTORING', receivables: [{ invoiceNumber: 'INV-1', debtorId: stranger.id, amount: '2000.00', dueDate: daysAgo(-30) }] },
        'input.receivables[0].debtorId',
      ],
      [
        { clientId: supplier.id, product: 'RECEIVABLES_FACTORING', amount: '2500.00', receivables: [{ invoiceNumber: 'INV-1', debtorId: core.id, amount: '2000.00', dueDate: daysAgo(-30) }] },
        'input.amount',
      ],
      [{ clientId: supplier.id, product: 'INVENTORY_FINANCING' }, 'input.pledgedGoods'],
      [{ clientId: distributor.id, product: 'PREPAYMENT_FINANCING', anchorClientId: core.id }, 'input.purchaseOrderNumber'],
      [{ clientId: supplier.id, product: 'PREPAYMENT_FINANCING', anchorClientId: core.id, purchaseOrderNumber: 'PO-1' }, 'input.product'],
      [{ clientId: supplier.id, product: 'FINANCIAL_LEASING' }, 'input.leasedAsset'],
      [{ clientId: supplier.id, amount: '-5.00' }, 'input.amount'],
      [{ clientId: supplier.id, amount: '10.001' }, 'input.amount'],
      [{ clientId: supplier.id, repaymentMethod: 'EQUAL_INSTALMENTS' }, 'input.instalments'],
    ];
    for (const [input, field] of cases) {
      const res = await createFinancing({ amount: '1000.00', ...input });
      expect([codeOf(res), fieldOf(res)], JSON.stringify(input)).toEqual(['BAD_USER_INPUT', field]);
    }

    // And with the pieces, every product goes through.
    const ok: Record<string, unknown>[] = [
      { clientId: supplier.id, product: 'REVERSE_FACTORING', anchorClientId: core.id },
      { clientId: supplier.id, product: 'RECEIVABLES_FACTORING', receivables: [{ invoiceNumber: 'INV-9', debtorId: core.id, amount: '1000.00', dueDate: daysAgo(-60) }] },
      { clientId: supplier.id, product: 'INVENTORY_FINANCING', pledgedGoods: '1 200 t cold-rolled steel coil, warehouse 3' },
      { clientId: distributor.id, product: 'PREPAYMENT_FINANCING', anchorClientId: core.id, purchaseOrderNumber: 'PO-2026-0042' },
      { clientId: supplier.id, product: 'FINANCIAL_LEASING', leasedAsset: 'Haitian MA3800 injection moulding machine' },
      { clientId: supplier.id, product: 'CREDIT_LOAN', repaymentMethod: 'EQUAL_INSTALMENTS', instalments: 3 },
    ];
    for (const input of ok) {
      const res = await createFinancing({ amount: '1000.00', ...input });
      expect(res.body.errors, JSON.stringify(input)).toBeUndefined();
      expect(res.body.data?.createFinancing.status).toBe('SUBMITTED');
    }
  });

  it('refuses a rate above 4 × the one-year LPR in force on the contract date, naming the cap and the LPR', async () => {
    const { client } = await borrower();
    const res = await createFinancing({ clientId: client.id, amount: '1000.00', annualRate: '0.1201', contractDate: '2025-06-03' });
    expect(codeOf(res)).toBe('RATE_CAP_EXCEEDED');
    expect(res.body.errors?.[0]?.message).toBe(
      'input.annualRate: 12.01% is above the cap of 12% = 4 × the one-year LPR of 3% in force since 2025-05-20 (contract date 2025-06-03)',
    );
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ cap: '0.12', lpr: '0.03', lprDate: '2025-05-20' });
    // The same rate was fine under the LPR of 3.10% (cap 12.4%).
    expect(codeOf(await createFinancing({ clientId: client.id, amount: '1000.00', annualRate: '0.1201', contractDate: '2025-05-19' }))).toBeUndefined();
    expect(codeOf(await createFinancing({ clientId: client.id, amount: '1000.00', annualRate: '0.12', contractDate: '2025-06-03' }))).toBeUndefined();
  });

  it('uses an LPR an ADMIN adds from its effective date on', async () => {
    const { client } = await borrower();
    const date = daysAgo(2);
    const add = await hub.gql(`mutation($input: AddLoanPrimeRateInput!) { addLoanPrimeRate(input: $input) { effectiveDate rate } }`, {
      input: { effectiveDate: date, rate: '0.02' },
    });
    expect(add.body.data).toEqual({ addLoanPrimeRate: { effectiveDate: date, rate: '0.02' } });
    const res = await createFinancing({ clientId: client.id, amount: '1000.00', annualRate: '0.09', contractDate: date });
    expect(codeOf(res)).toBe('RATE_CAP_EXCEEDED');
    expect(res.body.errors?.[0]?.message).toContain(`LPR of 2% in force since ${date}`);
    const forbidden = await hub.gql(`mutation($input: AddLoanPrimeRateInput!) { addLoanPrimeRate(input: $input) { rate } }`, { input: { effectiveDate: daysAgo(1), rate: '0.01' } }, { key: riskKey });
    expect(codeOf(forbidden)).toBe('FORBIDDEN');
  });

  it('holds a deal for a client on the AML watch list until an ADMIN clears it, and records both', async () => {
    const { client } = await borrower();
    const code = usccFromNumber(700_000 + serial * 13); // the last client's code
    await hub.ok(`mutation($input: AddAmlWatchEntryInput!) { addAmlWatchEntry(input: $input) { id } }`, {
      input: { unifiedSocialCreditCode: code, reason: 'sanctions list match' },
    });
    const created = await createFinancing({ clientId: client.id, amount: '1000.00' });
    expect(created.body.data?.createFinancing).toMatchObject({ status: 'SUBMITTED', amlHold: true });
    const id = created.body.data!.createFinancing.id;
    expect(codeOf(await hub.gql(APPROVE, { id }, { key: riskKey }))).toBe('AML_HOLD');
    const clear = `mutation($id: ID!) { clearAmlHold(id: $id, note: "false positive: different entity") { amlHold } }`;
    expect(codeOf(await hub.gql(clear, { id }, { key: riskKey }))).toBe('FORBIDDEN');
    expect(await hub.ok(clear, { id })).toEqual({ clearAmlHold: { amlHold: false } });
    expect((await approve(id)).approveFinancing.status).toBe('APPROVED');
    const history = await hub.ok<{ financing: { history: { action: string; reason: string | null }[] } }>(
      `query($id: ID!) { financing(id: $id) { history { action reason } } }`,
      { id },
    );
    expect(history.financing.history.map((h) => h.action)).toEqual(['SUBMITTED', 'AML_HOLD', 'AML_CLEARED', 'APPROVED']);
    expect(history.financing.history[1]!.reason).toContain('sanctions list match');
  });
});

describe('AML screening at approval', () => {
  it('holds a submitted deal whose client was listed after submission, and keeps the hold', async () => {
    const { client } = await borrower();
    const id = await newDeal({ clientId: client.id, amount: '1000.00' });
    await hub.ok(`mutation($input: AddAmlWatchEntryInput!) { addAmlWatchEntry(input: $input) { id } }`, {
      input: { name: client.name.toUpperCase(), reason: 'listed after submission' },
    });
    const res = await hub.gql(APPROVE, { id }, { key: riskKey });
    expect(codeOf(res)).toBe('AML_HOLD');
    const data = await hub.ok<{ financing: { status: string; amlHold: boolean; history: { action: string; actorName: string }[] } }>(
      `query($id: ID!) { financing(id: $id) { status amlHold history { action actorName } } }`,
      { id },
    );
    expect(data.financing).toMatchObject({ status: 'SUBMITTED', amlHold: true });
    expect(data.financing.history.at(-1)).toEqual({ action: 'AML_HOLD', actorName: 'test RISK_OFFICER' });
    const events = await eventsOf(id, 'financing.transitioned');
    expect(events.at(-1)?.payload.action).toBe('AML_HOLD');
  });
});

describe('deal lifecycle', () => {
  it('records every transition with who, when and why, and refuses illegal ones naming the current state', async () => {
    const { client } = await borrower();
    const id = await newDeal({ clientId: client.id, amount: '5000.00' });
    const rejected = await hub.ok<{ rejectFinancing: { status: string } }>(
      `mutation($id: ID!) { rejectFinancing(id: $id, reason: "incomplete financial statements") { status } }`,
      { id },
      riskKey,
    );
    expect(rejected.rejectFinancing.status).toBe('REJECTED');
    const again = await hub.gql(APPROVE, { id }, { key: riskKey });
    expect(codeOf(again)).toBe('CONFLICT');
    expect(again.body.errors?.[0]?.message).toBe('financing is REJECTED, cannot become APPROVED; that status is final');
    expect(again.body.errors?.[0]?.extensions?.current).toBe('REJECTED');

    const other = await newDeal({ clientId: client.id, amount: '5000.00' });
    const early = await hub.gql(DISBURSE, { id: other, at: null }, { key: rmKey });
    expect(codeOf(early)).toBe('CONFLICT');
    expect(early.body.errors?.[0]?.message).toContain('financing is SUBMITTED');

    const data = await hub.ok<{ financing: { history: { action: string; fromStatus: string | null; toStatus: string; reason: string | null; actorName: string; at: string }[] } }>(
      `query($id: ID!) { financing(id: $id) { history { action fromStatus toStatus reason actorName at } } }`,
      { id },
    );
    expect(data.financing.history.map(({ at: _at, ...h }) => h)).toEqual([
      { action: 'SUBMITTED', fromStatus: null, toStatus: 'SUBMITTED', reason: null, actorName: 'test RELATIONSHIP_MANAGER' },
      { action: 'REJECTED', fromStatus: 'SUBMITTED', toStatus: 'REJECTED', reason: 'incomplete financial statements', actorName: 'test RISK_OFFICER' },
    ]);
    expect(new Date(data.financing.history[1]!.at).getTime()).toBeGreaterThanOrEqual(new Date(data.financing.history[0]!.at).getTime());
    const events = await eventsOf(id, 'financing.transitioned');
    expect(events.map((e) => [e.payload.from, e.payload.to])).toEqual([
      [null, 'SUBMITTED'],
      ['SUBMITTED', 'REJECTED'],
    ]);
  });

  it('accrues simple interest actual/365, takes interest first, refuses over-payment and ends REPAID', async () => {
    const { client, creditLine } = await borrower();
    const start = daysAgo(40);
    const id = await newDeal({ clientId: client.id, amount: '365000.00', annualRate: '0.05', tenorDays: 60, contractDate: start });
    await approve(id);
    await disburse(id, start);

    // 20 days on 365 000 at 5%: 1 000.00 interest.
    const Q = `query($id: ID!, $d: LocalDate) { financing(id: $id) { outstanding(asOf: $d) accruedInterest(asOf: $d) daysPastDue(asOf: $d) } }`;
    expect((await hub.ok(Q, { id, d: daysAgo(20) })).financing).toEqual({ outstanding: '365000.00', accruedInterest: '1000.00', daysPastDue: 0 });

    const part = await repay(id, '101000.00', daysAgo(20));
    expect(part.body.data?.recordRepayment).toEqual({ amount: '101000.00', interest: '1000.00', principal: '100000.00', financing: { status: 'DISBURSED' } });
    // Then 10 days on 265 000: 363.01… → 363.01.
    expect((await hub.ok(Q, { id, d: daysAgo(10) })).financing).toEqual({ outstanding: '265000.00', accruedInterest: '363.01', daysPastDue: 0 });

    const settle = await hub.ok<{ financing: { totalDue: string } }>(`query($id: ID!, $d: LocalDate) { financing(id: $id) { totalDue(asOf: $d) } }`, { id, d: daysAgo(10) });
    expect(settle.financing.totalDue).toBe('265363.01');
    const over = await repay(id, '265363.02', daysAgo(10));
    expect([codeOf(over), fieldOf(over)]).toEqual(['BAD_USER_INPUT', 'input.amount']);
    expect(over.body.errors?.[0]?.message).toContain('265363.01 CNY is due');

    const rest = await repay(id, '265363.01', daysAgo(10));
    expect(rest.body.data?.recordRepayment.financing.status).toBe('REPAID');
    expect(await line(creditLine.id)).toMatchObject({ utilized: '0.00', available: '1000000.00' });

    const ledger = await hub.ok<{ client: { transactions: { kind: string; amount: string }[] } }>(
      `query($id: ID!) { client(id: $id) { transactions { kind amount currency description occurredAt } } }`,
      { id: client.id },
    );
    expect(ledger.client.transactions.map((t) => [t.kind, t.amount])).toEqual([
      ['REPAYMENT', '265363.01'],
      ['REPAYMENT', '101000.00'],
      ['DISBURSEMENT', '365000.00'],
    ]);
    const repaid = await eventsOf(id, 'financing.repayment_recorded');
    expect(repaid.map((e) => e.payload.principal)).toEqual(['100000.00', '265000.00']);
  });

  it('books the arrangement fee on the ledger at disbursement', async () => {
    const { client } = await borrower();
    const id = await newDeal({ clientId: client.id, amount: '10000.00', fee: '150.50' });
    await approve(id);
    await disburse(id);
    const data = await hub.ok<{ client: { transactions: { kind: string; amount: string }[] } }>(
      `query($id: ID!) { client(id: $id) { transactions { kind amount } } }`,
      { id: client.id },
    );
    expect(data.client.transactions.map((t) => [t.kind, t.amount]).sort()).toEqual([
      ['DISBURSEMENT', '10000.00'],
      ['FEE', '150.50'],
    ]);
  });

  it('computes days past due and bucket as of any date from the schedule', async () => {
    const { client } = await borrower();
    const start = daysAgo(100);
    const id = await newDeal({
      clientId: client.id,
      amount: '90000.00',
      tenorDays: 60,
      contractDate: start,
      repaymentMethod: 'EQUAL_INSTALMENTS',
      instalments: 3,
    });
    await approve(id);
    await disburse(id, start);
    const Q = `query($id: ID!, $d: LocalDate) { financing(id: $id) {
      schedule { seq dueDate principal } daysPastDue(asOf: $d) delinquencyBucket(asOf: $d) } }`;
    type Data = { financing: { schedule: { seq: number; dueDate: string; principal: string }[]; daysPastDue: number; delinquencyBucket: string } };
    const at20 = await hub.ok<Data>(Q, { id, d: addDays(start, 20) });
    expect(at20.financing.schedule).toEqual([
      { seq: 1, dueDate: addDays(start, 20), principal: '30000.00' },
      { seq: 2, dueDate: addDays(start, 40), principal: '30000.00' },
      { seq: 3, dueDate: addDays(start, 60), principal: '30000.00' },
    ]);
    expect([at20.financing.daysPastDue, at20.financing.delinquencyBucket]).toEqual([0, 'CURRENT']);
    const at21 = await hub.ok<Data>(Q, { id, d: addDays(start, 21) });
    expect([at21.financing.daysPastDue, at21.financing.delinquencyBucket]).toEqual([1, 'DPD_1_30']);
    const at55 = await hub.ok<Data>(Q, { id, d: addDays(start, 55) });
    expect([at55.financing.daysPastDue, at55.financing.delinquencyBucket]).toEqual([35, 'DPD_31_60']);
    const today = await hub.ok<Data>(Q, { id, d: null });
    expect([today.financing.daysPastDue, today.financing.delinquencyBucket]).toEqual([80, 'DPD_61_90']);
  });
});

describe('runDelinquencyScan', () => {
  it('moves late deals to OVERDUE, records bucket changes with events, and a catch-up payment cures them', async () => {
    const { client } = await borrower();
    const start = daysAgo(50);
    const id = await newDeal({ clientId: client.id, amount: '20000.00', tenorDays: 30, contractDate: start });
    await approve(id);
    await disburse(id, start);
    const SCAN = `mutation($d: LocalDate) { runDelinquencyScan(asOf: $d) { asOf scanned becameOverdue cured bucketChanges } }`;

    const first = await hub.ok<{ runDelinquencyScan: { becameOverdue: number; bucketChanges: number } }>(SCAN, { d: addDays(start, 31) });
    expect(first.runDelinquencyScan.becameOverdue).toBeGreaterThanOrEqual(1);
    // Scanning the same day again changes nothing for this deal.
    await hub.ok(SCAN, { d: addDays(start, 31) });
    const later = await hub.ok(SCAN, { d: addDays(start, 45) });
    expect(later).toBeTruthy();

    const Q = `query($id: ID!) { financing(id: $id) { status bucketHistory { fromBucket toBucket daysPastDue asOf } history { action actorName reason } } }`;
    type Data = { financing: { status: string; bucketHistory: unknown[]; history: { action: string; actorName: string; reason: string | null }[] } };
    const overdue = await hub.ok<Data>(Q, { id });
    expect(overdue.financing.status).toBe('OVERDUE');
    // Day 45 is 15 days past due: still DPD_1_30, so no second change.
    expect(overdue.financing.bucketHistory).toEqual([{ fromBucket: 'CURRENT', toBucket: 'DPD_1_30', daysPastDue: 1, asOf: addDays(start, 31) }]);
    expect(overdue.financing.history.at(-1)).toMatchObject({ action: 'BECAME_OVERDUE', reason: `1 days past due on ${addDays(start, 31)}` });

    // Paying the principal plus the interest cures it (and REPAID here, since it is all of it).
    const due = await hub.gql(REPAY, { input: { financingId: id, amount: '999999.00', paidAt: at(TODAY) } }, { key: rmKey });
    const total = String(due.body.errors?.[0]?.extensions?.due);
    const paid = await repay(id, total, TODAY);
    expect(paid.body.data?.recordRepayment.financing.status).toBe('REPAID');
    const bucketEvents = await eventsOf(id, 'financing.bucket_changed');
    expect(bucketEvents.map((e) => e.payload.to)).toEqual(['DPD_1_30', 'CURRENT']);
  });

  it('cures a partly late deal back to DISBURSED once the arrears are paid', async () => {
    const { client } = await borrower();
    const start = daysAgo(30);
    const id = await newDeal({ clientId: client.id, amount: '20000.00', tenorDays: 40, contractDate: start, repaymentMethod: 'EQUAL_INSTALMENTS', instalments: 2 });
    await approve(id);
    await disburse(id, start);
    await hub.ok(`mutation($d: LocalDate) { runDelinquencyScan(asOf: $d) { scanned } }`, { d: TODAY });
    expect((await hub.ok<{ financing: { status: string } }>(`query($id: ID!) { financing(id: $id) { status } }`, { id })).financing.status).toBe('OVERDUE');
    // 10 000 principal due on day 20, plus 30 days' interest on 20 000 at 3.65% = 60.
    const paid = await repay(id, '10060.00', TODAY);
    expect(paid.body.data?.recordRepayment).toMatchObject({ interest: '60.00', principal: '10000.00', financing: { status: 'DISBURSED' } });
  });
});

describe('restructureFinancing', () => {
  it('re-schedules the remainder from today and keeps the old schedule', async () => {
    const { client } = await borrower();
    const start = daysAgo(40);
    const id = await newDeal({ clientId: client.id, amount: '60000.00', tenorDays: 30, contractDate: start });
    await approve(id);
    await disburse(id, start);
    await repay(id, '20000.00', daysAgo(35));
    const res = await hub.ok<{ restructureFinancing: { status: string; scheduleVersion: number; maturityDate: string; daysPastDue: number; schedule: { version: number; dueDate: string; principal: string }[]; scheduleHistory: { version: number }[] } }>(
      `mutation($input: RestructureFinancingInput!) { restructureFinancing(input: $input) {
        status scheduleVersion maturityDate daysPastDue schedule { version dueDate principal } scheduleHistory { version } } }`,
      { input: { financingId: id, tenorDays: 90, repaymentMethod: 'EQUAL_INSTALMENTS', instalments: 2, reason: 'extend the repayment period: harvest delayed' } },
      riskKey,
    );
    const r = res.restructureFinancing;
    expect(r.status).toBe('RESTRUCTURED');
    expect(r.scheduleVersion).toBe(2);
    expect(r.maturityDate).toBe(addDays(TODAY, 90));
    expect(r.daysPastDue).toBe(0);
    const outstanding = await hub.ok<{ financing: { outstanding: string } }>(`query($id: ID!) { financing(id: $id) { outstanding } }`, { id });
    const principal = Number(outstanding.financing.outstanding); // what is left after interest was taken first
    expect(r.schedule.map((s) => s.version)).toEqual([2, 2]);
    expect((Number(r.schedule[0]!.principal) + Number(r.schedule[1]!.principal)).toFixed(2)).toBe(principal.toFixed(2));
    expect(r.scheduleHistory.map((s) => s.version)).toEqual([1, 2, 2]);
    // As of a date before the restructuring, the old schedule still tells the arrears.
    const before = await hub.ok<{ financing: { daysPastDue: number } }>(`query($id: ID!, $d: LocalDate) { financing(id: $id) { daysPastDue(asOf: $d) } }`, { id, d: daysAgo(1) });
    expect(before.financing.daysPastDue).toBe(9);
  });
});

describe('concentration', () => {
  it('sums exposure per debtor across receivables and per core enterprise across its chain', async () => {
    const core = await createClient('CORE_ENTERPRISE');
    const otherCore = await createClient('CORE_ENTERPRISE');
    const { client: supplier } = await borrower();
    const { client: supplier2 } = await borrower();
    await link(core.id, supplier.id);
    await link(otherCore.id, supplier.id);
    await link(core.id, supplier2.id);
    const due = daysAgo(-60);
    const f1 = await newDeal({
      clientId: supplier.id,
      product: 'RECEIVABLES_FACTORING',
      amount: '50000.00',
      receivables: [
        { invoiceNumber: 'A-1', debtorId: core.id, amount: '30000.00', dueDate: due },
        { invoiceNumber: 'A-2', debtorId: core.id, amount: '30000.00', dueDate: due },
        { invoiceNumber: 'A-3', debtorId: otherCore.id, amount: '20000.00', dueDate: due },
      ],
    });
    await approve(f1);
    const f2 = await newDeal({ clientId: supplier2.id, product: 'REVERSE_FACTORING', anchorClientId: core.id, amount: '25000.00' });
    await approve(f2);
    await disburse(f2);
    await newDeal({ clientId: supplier2.id, amount: '99999.00' }); // submitted only: no exposure

    const d = await hub.ok<{ client: { debtorExposure: { debtor: { id: string }; receivables: number; amount: string; share: string }[] } }>(
      `query($id: ID!) { client(id: $id) { debtorExposure { debtor { id } receivables amount share } } }`,
      { id: supplier.id },
    );
    expect(d.client.debtorExposure).toEqual([
      { debtor: { id: core.id }, receivables: 2, amount: '60000.00', share: '0.75' },
      { debtor: { id: otherCore.id }, receivables: 1, amount: '20000.00', share: '0.25' },
    ]);
    const c = await hub.ok<{ client: { chainExposure: { total: string; anchored: string; receivablesOwed: string; members: { client: { id: string }; deals: number; exposure: string }[] } } }>(
      `query($id: ID!) { client(id: $id) { chainExposure { total anchored receivablesOwed members { client { id } deals exposure share } } } }`,
      { id: core.id },
    );
    expect(c.client.chainExposure).toMatchObject({ total: '75000.00', anchored: '25000.00', receivablesOwed: '60000.00' });
    expect(c.client.chainExposure.members.map((m) => [m.client.id, m.deals, m.exposure])).toEqual([
      [supplier.id, 1, '50000.00'],
      [supplier2.id, 1, '25000.00'],
    ]);
  });
});

describe('financing roles', () => {
  it('lets viewers read but not write, and relationship managers originate but not approve', async () => {
    const { client, creditLine } = await borrower();
    const id = await newDeal({ clientId: client.id, amount: '1000.00' });
    const read = await hub.gql(`query($id: ID!) { financing(id: $id) { status client { name } creditLine { available } } }`, { id }, { key: viewerKey });
    expect(read.body.errors).toBeUndefined();
    expect(codeOf(await hub.gql(APPROVE, { id }, { key: rmKey }))).toBe('FORBIDDEN');
    expect(codeOf(await hub.gql(APPROVE, { id }, { key: viewerKey }))).toBe('FORBIDDEN');
    expect(codeOf(await hub.gql(CREATE, { input: { clientId: client.id, product: 'CREDIT_LOAN', amount: '1.00', annualRate: '0.03', tenorDays: 30 } }, { key: riskKey }))).toBe('FORBIDDEN');
    const adjust = await hub.gql(
      `mutation($input: AdjustCreditLimitInput!) { adjustCreditLimit(input: $input) { limit } }`,
      { input: { creditLineId: creditLine.id, newLimit: '2.00', reason: 'x' } },
      { key: rmKey },
    );
    expect(codeOf(adjust)).toBe('FORBIDDEN');
    expect(codeOf(await hub.gql(`mutation { runDelinquencyScan { scanned } }`, {}, { key: riskKey }))).toBe('FORBIDDEN');
  });
});

describe('rate cap policy from configuration', () => {
  it('lets any rate through with RATE_CAP_POLICY=NONE, and applies RATE_CAP_LPR_MULTIPLE otherwise', async () => {
    const uncapped = await startTestHub({ RATE_CAP_POLICY: 'NONE' });
    const tighter = await startTestHub({ RATE_CAP_LPR_MULTIPLE: '2.50' });
    try {
      for (const [h, rate, expected] of [
        [uncapped, '0.36', undefined],
        [tighter, '0.0751', 'RATE_CAP_EXCEEDED'],
        [tighter, '0.075', undefined],
      ] as const) {
        const c = await h.ok<{ createClient: { id: string } }>(`mutation($input: CreateClientInput!) { createClient(input: $input) { id } }`, {
          input: { name: `Policy ${++serial}`, kind: 'SUPPLIER', industry: 'TEXTILES', unifiedSocialCreditCode: usccFromNumber(900_000 + serial), status: 'ACTIVE' },
        });
        await h.ok(`mutation($input: OpenCreditLineInput!) { openCreditLine(input: $input) { id } }`, {
          input: { clientId: c.createClient.id, limit: '100000.00', expiresAt: nextYear() },
        });
        const res = await h.gql(CREATE, {
          input: { clientId: c.createClient.id, product: 'CREDIT_LOAN', amount: '1000.00', annualRate: rate, tenorDays: 30, contractDate: '2025-06-03' },
        });
        expect(codeOf(res), `${rate}`).toBe(expected);
      }
    } finally {
      await uncapped.close();
      await tighter.close();
    }
  });
});
