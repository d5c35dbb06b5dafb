import type { EntityManager } from '@mikro-orm/postgresql';
import { Decimal } from 'decimal.js';
import {
  CreditLineChangeKind,
  CreditLineStatus,
  DelinquencyBucket,
  FinancingAction,
  FinancingStatus,
  LedgerEntryKind,
  ProductKind,
  RepaymentMethod,
} from '../financing/financing.enums.js';
import {
  accruedInterest,
  addDays,
  bucketOf,
  buildSchedule,
  businessDate,
  cents,
  daysPastDue,
  sum,
  ZERO,
  type PrincipalPayment,
  type ScheduleRow,
} from '../financing/financing.rules.js';
import { Prng } from './prng.js';
import { DAY_MS, insertRows, iso, type SqlValue } from './rows.js';

/**
 * The demo portfolio's financing: credit lines and deals of every product and in every state,
 * some overdue, for the demo clients. Each deal is played day by day through the same pure rules
 * the services use (schedules, interest first, days past due, the daily scan at 01:00), so what
 * the seed writes is what the hub would have recorded: a delinquency scan run right after
 * seeding finds nothing to change.
 */

const FINANCING_SEED = 0x5cf_f1a0;
const RISK_OFFICER = 'Zhou Xin (risk)';
const SCAN = 'delinquency scan';
const ADMIN = 'Compliance desk';

type RepaymentSpec = { daysAgo: number; pay: 'DUE' | 'ALL' | 'INTEREST' | string };

interface DemoDeal {
  client: string;
  product: ProductKind;
  amount: string;
  rate: string;
  tenorDays: number;
  contractDaysAgo: number;
  /** Where the story stops: SUBMITTED, APPROVED, REJECTED, or DISBURSED (then repayments, scans, … decide). */
  stop: 'SUBMITTED' | 'APPROVED' | 'REJECTED' | 'DISBURSED';
  method?: RepaymentMethod;
  instalments?: number;
  fee?: string;
  anchor?: string;
  receivables?: { invoice: string; debtor: string; amount: string; dueInDays: number }[];
  pledgedGoods?: string;
  purchaseOrder?: string;
  leasedAsset?: string;
  rejectReason?: string;
  amlHold?: boolean;
  repayments?: RepaymentSpec[];
  restructure?: { daysAgo: number; tenorDays: number; method: RepaymentMethod; instalments: number; reason: string };
  defaulted?: { daysAgo: number; reason: string };
}

const { RECEIVABLES_FACTORING, REVERSE_FACTORING, INVENTORY_FINANCING, PREPAYMENT_FINANCING, CREDIT_LOAN, FINANCIAL_LEASING } = ProductKind;
const { EQUAL_INSTALMENTS } = RepaymentMethod;

export const DEMO_DEALS: DemoDeal[] = [
  // Huachen Automotive's chain (Li Na)
  { client: 'hengtuo', product: REVERSE_FACTORING, anchor: 'huachen', amount: '3000000', rate: '0.045', tenorDays: 90, contractDaysAgo: 40, stop: 'DISBURSED', fee: '4500' },
  {
    client: 'ruifeng', product: RECEIVABLES_FACTORING, amount: '1200000', rate: '0.05', tenorDays: 90, contractDaysAgo: 6, stop: 'APPROVED',
    receivables: [
      { invoice: 'RF-2026-0418', debtor: 'huachen', amount: '860000', dueInDays: 75 },
      { invoice: 'RF-2026-0433', debtor: 'huachen', amount: '640000', dueInDays: 88 },
    ],
  },
  { client: 'tianyi', product: REVERSE_FACTORING, anchor: 'huachen', amount: '800000', rate: '0.048', tenorDays: 60, contractDaysAgo: 130, stop: 'DISBURSED', repayments: [{ daysAgo: 70, pay: 'ALL' }] },
  {
    client: 'mingguang', product: CREDIT_LOAN, amount: '600000', rate: '0.075', tenorDays: 90, method: EQUAL_INSTALMENTS, instalments: 3,
    contractDaysAgo: 150, stop: 'DISBURSED', repayments: [{ daysAgo: 105, pay: 'DUE' }],
  },
  { client: 'jingcheng', product: PREPAYMENT_FINANCING, anchor: 'huachen', purchaseOrder: 'HC-PO-2026-0311', amount: '900000', rate: '0.052', tenorDays: 120, contractDaysAgo: 3, stop: 'SUBMITTED' },
  {
    client: 'haixin', product: INVENTORY_FINANCING, pledgedGoods: '180 t aluminium alloy ingots, Ningbo bonded warehouse 2', amount: '500000', rate: '0.06', tenorDays: 90,
    contractDaysAgo: 12, stop: 'REJECTED', rejectReason: 'Pledged stock already encumbered with another lender',
  },
  // Meikang Home Appliances' chain (Wang Wei)
  {
    client: 'jinli', product: RECEIVABLES_FACTORING, amount: '2000000', rate: '0.046', tenorDays: 120, contractDaysAgo: 60, stop: 'DISBURSED',
    receivables: [{ invoice: 'JL-2026-1102', debtor: 'meikang', amount: '2400000', dueInDays: 110 }], repayments: [{ daysAgo: 28, pay: 'INTEREST' }],
  },
  { client: 'dongfang', product: REVERSE_FACTORING, anchor: 'meikang', amount: '1500000', rate: '0.047', tenorDays: 60, contractDaysAgo: 100, stop: 'DISBURSED' },
  {
    client: 'hongtai', product: CREDIT_LOAN, amount: '400000', rate: '0.065', tenorDays: 60, contractDaysAgo: 200, stop: 'DISBURSED',
    restructure: { daysAgo: 120, tenorDays: 180, method: EQUAL_INSTALMENTS, instalments: 6, reason: 'Extend the repayment period: export order delayed by customs' },
    repayments: [{ daysAgo: 90, pay: 'DUE' }, { daysAgo: 60, pay: 'DUE' }, { daysAgo: 30, pay: 'DUE' }],
  },
  {
    client: 'zhongyuan', product: PREPAYMENT_FINANCING, anchor: 'meikang', purchaseOrder: 'MK-PO-2025-1187', amount: '700000', rate: '0.058', tenorDays: 90,
    contractDaysAgo: 260, stop: 'DISBURSED', defaulted: { daysAgo: 60, reason: 'Distributor ceased trading; recovery through the guarantor' },
  },
  {
    client: 'baijia', product: FINANCIAL_LEASING, leasedAsset: 'Two Hangcha 3 t electric forklifts', amount: '350000', rate: '0.055', tenorDays: 360,
    method: EQUAL_INSTALMENTS, instalments: 12, contractDaysAgo: 100, stop: 'DISBURSED', fee: '1750',
    repayments: [{ daysAgo: 68, pay: 'DUE' }, { daysAgo: 38, pay: 'DUE' }, { daysAgo: 8, pay: 'DUE' }],
  },
  // Yipin Retail's chain (Zhang Min)
  {
    client: 'caoyuan', product: RECEIVABLES_FACTORING, amount: '800000', rate: '0.05', tenorDays: 90, contractDaysAgo: 45, stop: 'DISBURSED',
    receivables: [
      { invoice: 'CY-2026-0077', debtor: 'yipin', amount: '520000', dueInDays: 80 },
      { invoice: 'CY-2026-0081', debtor: 'yipin', amount: '430000', dueInDays: 85 },
    ],
  },
  {
    client: 'shouguang', product: INVENTORY_FINANCING, pledgedGoods: '320 t cold-chain vegetables, Shouguang logistics park cold store 5', amount: '600000', rate: '0.062',
    tenorDays: 60, contractDaysAgo: 75, stop: 'DISBURSED',
  },
  { client: 'lianjia', product: PREPAYMENT_FINANCING, anchor: 'yipin', purchaseOrder: 'YP-PO-2026-0925', amount: '1000000', rate: '0.05', tenorDays: 90, contractDaysAgo: 9, stop: 'APPROVED' },
  // Xinneng New Energy's chain (Chen Jie)
  { client: 'liyuan', product: REVERSE_FACTORING, anchor: 'xinneng', amount: '5000000', rate: '0.042', tenorDays: 180, contractDaysAgo: 30, stop: 'DISBURSED', fee: '10000' },
  {
    client: 'tanke', product: RECEIVABLES_FACTORING, amount: '1800000', rate: '0.049', tenorDays: 90, contractDaysAgo: 4, stop: 'SUBMITTED', amlHold: true,
    receivables: [{ invoice: 'TK-2026-0530', debtor: 'xinneng', amount: '2100000', dueInDays: 85 }],
  },
  { client: 'qinfeng', product: CREDIT_LOAN, amount: '300000', rate: '0.068', tenorDays: 90, contractDaysAgo: 110, stop: 'DISBURSED', repayments: [{ daysAgo: 15, pay: 'ALL' }] },
  // Kangyuan Biomedicine's chain (Liu Yang)
  {
    client: 'yikang', product: RECEIVABLES_FACTORING, amount: '900000', rate: '0.052', tenorDays: 120, contractDaysAgo: 130, stop: 'DISBURSED',
    receivables: [{ invoice: 'YK-2026-0201', debtor: 'kangyuan', amount: '1100000', dueInDays: 118 }],
  },
  { client: 'bashu', product: CREDIT_LOAN, amount: '500000', rate: '0.072', tenorDays: 30, contractDaysAgo: 140, stop: 'DISBURSED' },
  {
    client: 'dongjiang', product: FINANCIAL_LEASING, leasedAsset: 'Six refrigerated trucks (Foton Aumark 4.2 m)', amount: '1200000', rate: '0.056', tenorDays: 720,
    method: EQUAL_INSTALMENTS, instalments: 24, contractDaysAgo: 180, stop: 'DISBURSED',
    repayments: [150, 120, 90, 60, 30].map((d) => ({ daysAgo: d - 2, pay: 'DUE' })),
  },
];

/** Credit lines beyond those the deals need: a frozen one, an expired one, an adjusted core line. */
const EXTRA_LINES: { client: string; limit: string; frozen?: string; expiredDaysAgo?: number; adjusted?: [string, string] }[] = [
  { client: 'xinwei', limit: '1500000', frozen: 'Court freeze on the main operating account' },
  { client: 'jiangcheng', limit: '800000', expiredDaysAgo: 20 },
  { client: 'huachen', limit: '50000000', adjusted: ['60000000', 'Annual review: group guarantee renewed'] },
];

const COLUMNS = {
  credit_line: ['id', 'client_id', 'limit', 'currency', 'status', 'expires_at', 'opened_at', 'updated_at'],
  credit_line_change: ['id', 'credit_line_id', 'kind', 'previous_limit', 'new_limit', 'reason', 'actor_name', 'actor_id', 'at'],
  financing: [
    'id', 'client_id', 'credit_line_id', 'product', 'status', 'amount', 'currency', 'annual_rate', 'tenor_days', 'contract_date',
    'repayment_method', 'instalments', 'fee', 'anchor_client_id', 'pledged_goods', 'purchase_order_number', 'leased_asset', 'aml_hold',
    'aml_hold_reason', 'disbursed_at', 'maturity_date', 'outstanding_principal', 'interest_paid', 'recorded_bucket', 'schedule_version',
    'submitted_by', 'created_at', 'updated_at',
  ],
  receivable: ['id', 'financing_id', 'invoice_number', 'debtor_id', 'amount', 'due_date'],
  financing_transition: ['id', 'financing_id', 'action', 'from_status', 'to_status', 'reason', 'actor_name', 'actor_id', 'at'],
  schedule_instalment: ['id', 'financing_id', 'version', 'seq', 'due_date', 'principal', 'effective_from', 'principal_paid_before'],
  repayment: ['id', 'financing_id', 'amount', 'interest', 'principal', 'paid_at', 'recorded_by', 'recorded_at'],
  bucket_change: ['id', 'financing_id', 'from_bucket', 'to_bucket', 'days_past_due', 'as_of', 'recorded_at'],
  ledger_entry: ['id', 'client_id', 'financing_id', 'kind', 'amount', 'currency', 'description', 'occurred_at', 'recorded_at'],
  aml_watch_entry: ['id', 'name', 'unified_social_credit_code', 'reason', 'added_by', 'created_at'],
} as const;

type RowOf<T extends keyof typeof COLUMNS> = { [C in (typeof COLUMNS)[T][number]]: SqlValue };

export interface FinancingSeedRows {
  creditLines: RowOf<'credit_line'>[];
  creditLineChanges: RowOf<'credit_line_change'>[];
  financings: RowOf<'financing'>[];
  receivables: RowOf<'receivable'>[];
  transitions: RowOf<'financing_transition'>[];
  schedule: RowOf<'schedule_instalment'>[];
  repayments: RowOf<'repayment'>[];
  bucketChanges: RowOf<'bucket_change'>[];
  ledger: RowOf<'ledger_entry'>[];
  amlWatch: RowOf<'aml_watch_entry'>[];
}

export interface DemoClientRef {
  id: string;
  name: string;
  code: string;
  rm: string;
}

/**
 * Rows of the demo financing for `now`, given the demo clients by key. Pure and deterministic.
 */
export function buildDemoFinancingRows(now: Date, clients: ReadonlyMap<string, DemoClientRef>): FinancingSeedRows {
  const rng = new Prng(FINANCING_SEED);
  const out: FinancingSeedRows = {
    creditLines: [], creditLineChanges: [], financings: [], receivables: [], transitions: [],
    schedule: [], repayments: [], bucketChanges: [], ledger: [], amlWatch: [],
  };
  const today = businessDate(now);
  const client = (key: string): DemoClientRef => {
    const c = clients.get(key);
    if (!c) throw new Error(`demo financing: unknown client ${key}`);
    return c;
  };
  /** `ago` days before today at `hour`:`minute` China time, never after `now`. */
  const moment = (ago: number, hour: number, minute = 0): Date => {
    const t = new Date(Date.parse(`${addDays(today, -ago)}T00:00:00+08:00`) + (hour * 60 + minute) * 60_000);
    return t.getTime() > now.getTime() ? new Date(now.getTime() - 60_000) : t;
  };
  const expiresAt = iso(new Date(now.getTime() + 300 * DAY_MS));

  const lineOf = new Map<string, string>();
  const openLine = (key: string, limit: string, openedAgo: number, opts: { frozen?: string; expiredDaysAgo?: number; adjusted?: [string, string] } = {}) => {
    const c = client(key);
    const id = rng.uuid();
    lineOf.set(key, id);
    const finalLimit = opts.adjusted ? opts.adjusted[0] : limit;
    const opened = moment(openedAgo, 9, 30);
    out.creditLines.push({
      id, client_id: c.id, limit: finalLimit, currency: 'CNY',
      status: opts.frozen ? CreditLineStatus.FROZEN : CreditLineStatus.ACTIVE,
      expires_at: opts.expiredDaysAgo ? iso(moment(opts.expiredDaysAgo, 23, 59)) : expiresAt,
      opened_at: iso(opened), updated_at: iso(opened),
    });
    const change = (kind: CreditLineChangeKind, previous: string | null, next: string, reason: string | null, at: Date) =>
      out.creditLineChanges.push({ id: rng.uuid(), credit_line_id: id, kind, previous_limit: previous, new_limit: next, reason, actor_name: RISK_OFFICER, actor_id: null, at: iso(at) });
    change(CreditLineChangeKind.OPENED, null, limit, null, opened);
    if (opts.adjusted) change(CreditLineChangeKind.LIMIT_ADJUSTED, limit, opts.adjusted[0], opts.adjusted[1], moment(Math.max(1, Math.floor(openedAgo / 2)), 16));
    if (opts.frozen) change(CreditLineChangeKind.FROZEN, limit, limit, opts.frozen, moment(15, 11));
  };

  // One line per borrower: 1.5 × what it borrows, rounded up to 100 000.
  const borrowed = new Map<string, { total: Decimal; earliest: number }>();
  for (const d of DEMO_DEALS) {
    const b = borrowed.get(d.client) ?? { total: ZERO, earliest: 0 };
    borrowed.set(d.client, { total: b.total.plus(d.amount), earliest: Math.max(b.earliest, d.contractDaysAgo) });
  }
  for (const [key, b] of borrowed) openLine(key, b.total.times(1.5).dividedBy(100_000).ceil().times(100_000).toFixed(2), b.earliest + 30);
  for (const extra of EXTRA_LINES) openLine(extra.client, extra.limit, 240, extra);

  for (const spec of DEMO_DEALS) playDeal(spec);

  function playDeal(spec: DemoDeal): void {
    const c = client(spec.client);
    const id = rng.uuid();
    const amount = new Decimal(spec.amount);
    const rate = new Decimal(spec.rate);
    const method = spec.method ?? RepaymentMethod.BULLET;
    const count = spec.instalments ?? 1;
    const contractDate = addDays(today, -spec.contractDaysAgo);
    let status = FinancingStatus.SUBMITTED as FinancingStatus;
    let bucket: DelinquencyBucket = DelinquencyBucket.CURRENT;
    let version = 0;
    let outstanding = ZERO;
    let interestPaid = ZERO;
    let maturity: string | null = null;
    let disbursedAt: Date | null = null;
    const schedule: ScheduleRow[] = [];
    const payments: PrincipalPayment[] = [];

    const transition = (action: FinancingAction, to: FinancingStatus, at: Date, actor: string, reason: string | null = null) => {
      out.transitions.push({
        id: rng.uuid(), financing_id: id, action, from_status: action === FinancingAction.SUBMITTED ? null : status, to_status: to, reason,
        actor_name: actor, actor_id: null, at: iso(at),
      });
      status = to;
    };
    const rebucket = (dpd: number, asOf: string, at: Date) => {
      const to = bucketOf(dpd);
      if (to === bucket) return;
      out.bucketChanges.push({ id: rng.uuid(), financing_id: id, from_bucket: bucket, to_bucket: to, days_past_due: dpd, as_of: asOf, recorded_at: iso(at) });
      bucket = to;
    };
    const ledger = (kind: LedgerEntryKind, value: Decimal, at: Date, description: string) =>
      out.ledger.push({ id: rng.uuid(), client_id: c.id, financing_id: id, kind, amount: value.toFixed(2), currency: 'CNY', description, occurred_at: iso(at), recorded_at: iso(at) });
    const addVersion = (principal: Decimal, start: string, tenor: number, m: RepaymentMethod, n: number) => {
      version++;
      const paidBefore = amount.minus(principal);
      for (const p of buildSchedule(principal, start, tenor, m, n)) {
        schedule.push({ version, effectiveFrom: start, principalPaidBefore: paidBefore, dueDate: p.dueDate, principal: p.principal });
        out.schedule.push({
          id: rng.uuid(), financing_id: id, version, seq: p.seq, due_date: p.dueDate, principal: p.principal.toFixed(2),
          effective_from: start, principal_paid_before: paidBefore.toFixed(2),
        });
        maturity = p.dueDate;
      }
    };

    transition(FinancingAction.SUBMITTED, FinancingStatus.SUBMITTED, moment(spec.contractDaysAgo, 10), c.rm);
    if (spec.amlHold) {
      out.transitions.push({
        id: rng.uuid(), financing_id: id, action: FinancingAction.AML_HOLD, from_status: status, to_status: status,
        reason: `credit code ${c.code} is on the AML watch list: name match on an adverse-media list, under review`, actor_name: c.rm, actor_id: null,
        at: iso(moment(spec.contractDaysAgo, 10, 1)),
      });
      out.amlWatch.push({ id: rng.uuid(), name: null, unified_social_credit_code: c.code, reason: 'name match on an adverse-media list, under review', added_by: ADMIN, created_at: iso(moment(spec.contractDaysAgo + 5, 9)) });
    }
    if (spec.stop === 'REJECTED') transition(FinancingAction.REJECTED, FinancingStatus.REJECTED, moment(spec.contractDaysAgo - 1, 15), RISK_OFFICER, spec.rejectReason ?? null);
    else if (spec.stop !== 'SUBMITTED') transition(FinancingAction.APPROVED, FinancingStatus.APPROVED, moment(spec.contractDaysAgo - 1, 15), RISK_OFFICER);

    if (spec.stop === 'DISBURSED') {
      const disbursedAgo = spec.contractDaysAgo - 2;
      disbursedAt = moment(disbursedAgo, 10, 30);
      const start = addDays(today, -disbursedAgo);
      addVersion(amount, start, spec.tenorDays, method, count);
      outstanding = amount;
      ledger(LedgerEntryKind.DISBURSEMENT, amount, disbursedAt, `${spec.product} disbursed`);
      if (spec.fee) ledger(LedgerEntryKind.FEE, new Decimal(spec.fee), disbursedAt, 'arrangement fee');
      transition(FinancingAction.DISBURSED, FinancingStatus.DISBURSED, disbursedAt, c.rm);

      for (let ago = disbursedAgo - 1; ago >= 0; ago--) {
        if (status === FinancingStatus.REPAID) break;
        const day = addDays(today, -ago);
        // The daily scan, 01:00.
        const dpd = daysPastDue(schedule, payments, day);
        const scanAt = moment(ago, 1);
        if (dpd > 0 && (status === FinancingStatus.DISBURSED || status === FinancingStatus.RESTRUCTURED)) {
          transition(FinancingAction.BECAME_OVERDUE, FinancingStatus.OVERDUE, scanAt, SCAN, `${dpd} days past due on ${day}`);
        } else if (dpd === 0 && status === FinancingStatus.OVERDUE) {
          transition(FinancingAction.CURED, version > 1 ? FinancingStatus.RESTRUCTURED : FinancingStatus.DISBURSED, scanAt, SCAN, 'arrears paid');
        }
        rebucket(dpd, day, scanAt);

        for (const r of spec.repayments ?? []) if (r.daysAgo === ago) repay(r, ago, day);
        if (spec.restructure?.daysAgo === ago) {
          const r = spec.restructure;
          const at = moment(ago, 14);
          addVersion(outstanding, day, r.tenorDays, r.method, r.instalments);
          transition(FinancingAction.RESTRUCTURED, FinancingStatus.RESTRUCTURED, at, RISK_OFFICER, r.reason);
          rebucket(0, day, at);
        }
        if (spec.defaulted?.daysAgo === ago) transition(FinancingAction.DEFAULTED, FinancingStatus.DEFAULTED, moment(ago, 16), RISK_OFFICER, spec.defaulted.reason);
      }
    }

    function repay(r: RepaymentSpec, ago: number, day: string): void {
      const paidAt = moment(ago, 11);
      const accrued = cents(accruedInterest(amount, rate, businessDate(disbursedAt!), payments, day));
      const interestDue = Decimal.max(ZERO, accrued.minus(interestPaid));
      let value: Decimal;
      if (r.pay === 'ALL') value = outstanding.plus(interestDue);
      else if (r.pay === 'INTEREST') value = interestDue;
      else if (r.pay === 'DUE') {
        const current = schedule.filter((s) => s.version === version);
        const dueSoFar = sum(current.filter((s) => s.dueDate <= day).map((s) => s.principal));
        const paidTowards = sum(payments.map((p) => p.principal)).minus(current[0]!.principalPaidBefore);
        value = interestDue.plus(Decimal.max(ZERO, dueSoFar.minus(paidTowards)));
      } else value = new Decimal(r.pay);
      const interest = Decimal.min(value, interestDue);
      const principal = value.minus(interest);
      out.repayments.push({
        id: rng.uuid(), financing_id: id, amount: value.toFixed(2), interest: interest.toFixed(2), principal: principal.toFixed(2),
        paid_at: iso(paidAt), recorded_by: c.rm, recorded_at: iso(paidAt),
      });
      payments.push({ date: day, principal });
      outstanding = outstanding.minus(principal);
      interestPaid = interestPaid.plus(interest);
      ledger(LedgerEntryKind.REPAYMENT, value, paidAt, `repayment: principal ${principal.toFixed(2)}, interest ${interest.toFixed(2)}`);
      if (outstanding.isZero()) {
        transition(FinancingAction.REPAID, FinancingStatus.REPAID, paidAt, c.rm);
        rebucket(0, day, paidAt);
      } else {
        const dpd = daysPastDue(schedule, payments, day);
        if (status === FinancingStatus.OVERDUE && dpd === 0) transition(FinancingAction.CURED, version > 1 ? FinancingStatus.RESTRUCTURED : FinancingStatus.DISBURSED, paidAt, c.rm, 'arrears paid');
        rebucket(dpd, day, paidAt);
      }
    }

    out.financings.push({
      id, client_id: c.id, credit_line_id: lineOf.get(spec.client)!, product: spec.product, status,
      amount: amount.toFixed(2), currency: 'CNY', annual_rate: rate.toFixed(), tenor_days: spec.tenorDays, contract_date: contractDate,
      repayment_method: method, instalments: count, fee: new Decimal(spec.fee ?? 0).toFixed(2),
      anchor_client_id: spec.anchor ? client(spec.anchor).id : null,
      pledged_goods: spec.pledgedGoods ?? null, purchase_order_number: spec.purchaseOrder ?? null, leased_asset: spec.leasedAsset ?? null,
      aml_hold: spec.amlHold ?? false,
      aml_hold_reason: spec.amlHold ? `credit code ${c.code} is on the AML watch list: name match on an adverse-media list, under review` : null,
      disbursed_at: disbursedAt ? iso(disbursedAt) : null, maturity_date: maturity,
      outstanding_principal: outstanding.toFixed(2), interest_paid: interestPaid.toFixed(2), recorded_bucket: bucket,
      schedule_version: version, submitted_by: c.rm,
      created_at: iso(moment(spec.contractDaysAgo, 10)), updated_at: iso(now),
    });
    for (const r of spec.receivables ?? []) {
      out.receivables.push({
        id: rng.uuid(), financing_id: id, invoice_number: r.invoice, debtor_id: client(r.debtor).id, amount: new Decimal(r.amount).toFixed(2),
        due_date: addDays(contractDate, r.dueInDays),
      });
    }
  }
  return out;
}


/** Writes the demo financing, parents first. Call inside the seed's transaction. */
export async function writeFinancingRows(em: EntityManager, rows: FinancingSeedRows): Promise<void> {
  await insertRows(em, 'aml_watch_entry', COLUMNS.aml_watch_entry, rows.amlWatch);
  await insertRows(em, 'credit_line', COLUMNS.credit_line, rows.creditLines);
  await insertRows(em, 'credit_line_change', COLUMNS.credit_line_change, rows.creditLineChanges);
  await insertRows(em, 'financing', COLUMNS.financing, rows.financings);
  await insertRows(em, 'receivable', COLUMNS.receivable, rows.receivables);
  await insertRows(em, 'financing_transition', COLUMNS.financing_transition, rows.transitions);
  await insertRows(em, 'schedule_instalment', COLUMNS.schedule_instalment, rows.schedule);
  await insertRows(em, 'repayment', COLUMNS.repayment, rows.repayments);
  await insertRows(em, 'bucket_change', COLUMNS.bucket_change, rows.bucketChanges);
  await insertRows(em, 'ledger_entry', COLUMNS.ledger_entry, rows.ledger);
}
