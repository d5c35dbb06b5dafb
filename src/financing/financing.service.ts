import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Decimal } from 'decimal.js';
import { Client } from '../clients/client.entity.js';
import { ClientKind, ClientStatus, SupplyChainRole } from '../clients/client.enums.js';
import { notInFuture } from '../clients/client.validation.js';
import { idArg, requiredText } from '../core/text.js';
import { SupplyChainLink } from '../clients/supply-chain-link.entity.js';
import { badInput, conflict, notFound } from '../core/errors.js';
import { decodeTimeIdCursor, encodeCursor, pageSize } from '../core/cursor.js';
import { AmlWatchEntry, LoanPrimeRate } from './compliance.entity.js';
import { CreditLine, creditLineStatus } from './credit-line.entity.js';
import {
  CreditLineStatus,
  BucketChangeCause,
  DelinquencyBucket,
  FINANCING_TRANSITIONS,
  FinancingAction,
  FinancingStatus,
  LedgerEntryKind,
  LIVE_STATUSES,
  ProductKind,
  RepaymentMethod,
  TERMINABLE_STATUSES,
} from './financing.enums.js';
import { BucketChange, Financing, FinancingTransition, Receivable, Repayment, ScheduleInstalment } from './financing.entity.js';
import { amlHeld, creditLimitExceeded, illegalTransition, rateCapExceeded } from './financing.errors.js';
import { FinancingTopic, recordFinancingEvent } from './financing.events.js';
import type { ChangeFinancingGuaranteeInput, CreateFinancingInput, FinancingFilter, RecordRepaymentInput, RestructureFinancingInput } from './financing.inputs.js';
import {
  accruedInterest,
  bucketOf,
  buildSchedule,
  businessDate,
  cents,
  checkRateCap,
  daysPastDue,
  sum,
  ZERO,
  type PrincipalPayment,
  type ScheduleRow,
} from './financing.rules.js';
import { guaranteeArg, guaranteeOf, sameGuarantee, setGuarantee } from './guarantee.js';
import { LedgerEntry } from './ledger-entry.entity.js';
import { currencyArg, dateArg, historyStamp, integerArg, moneyArg, utilizationOf } from './money.js';
import { type Actor } from '../core/actor.js';
import { readRows, type Row } from '../db/rows.js';
import { sqlRows } from '../db/sql.js';

/** Financing rules that come from configuration. */
export interface FinancingPolicy {
  /** null: no rate cap. */
  rateCapMultiple: Decimal | null;
}

/** Who may take each product (client kinds). */
export const PRODUCT_TAKERS: Record<ProductKind, readonly ClientKind[]> = {
  RECEIVABLES_FACTORING: [ClientKind.SUPPLIER, ClientKind.CORE_ENTERPRISE, ClientKind.LOGISTICS_PROVIDER],
  REVERSE_FACTORING: [ClientKind.SUPPLIER],
  INVENTORY_FINANCING: [ClientKind.SUPPLIER, ClientKind.DISTRIBUTOR, ClientKind.CORE_ENTERPRISE],
  PREPAYMENT_FINANCING: [ClientKind.DISTRIBUTOR],
  CREDIT_LOAN: Object.values(ClientKind),
  FINANCIAL_LEASING: Object.values(ClientKind),
};

const BORROWER_STATUSES: readonly ClientStatus[] = [ClientStatus.ACTIVE, ClientStatus.WATCHLIST];

/** Schedule rows and principal payments of a deal, in the pure rules' terms. */
export function scheduleRowsOf(rows: readonly Row<ScheduleInstalment>[]): ScheduleRow[] {
  return rows.map((r) => ({
    version: r.version,
    effectiveFrom: r.effectiveFrom,
    principalPaidBefore: new Decimal(r.principalPaidBefore),
    dueDate: r.dueDate,
    principal: new Decimal(r.principal),
  }));
}

export function paymentsOf(rows: readonly Row<Repayment>[]): PrincipalPayment[] {
  return rows.map((r) => ({ date: businessDate(r.paidAt), principal: new Decimal(r.principal) }));
}

/** What a deal owes as of a business date, from its repayments and schedule. */
export interface Position {
  outstanding: Decimal;
  accruedInterest: Decimal;
  daysPastDue: number;
  bucket: DelinquencyBucket;
}

export function positionOf(f: Row<Financing>, schedule: readonly Row<ScheduleInstalment>[], repayments: readonly Row<Repayment>[], asOf: string): Position {
  if (!f.disbursedAt || businessDate(f.disbursedAt) > asOf) {
    return { outstanding: ZERO, accruedInterest: ZERO, daysPastDue: 0, bucket: DelinquencyBucket.CURRENT };
  }
  const payments = paymentsOf(repayments);
  const paidUntil = repayments.filter((r) => businessDate(r.paidAt) <= asOf);
  const principal = new Decimal(f.amount);
  const outstanding = principal.minus(sum(paidUntil.map((r) => new Decimal(r.principal))));
  const interestPaid = sum(paidUntil.map((r) => new Decimal(r.interest)));
  const accrued = cents(accruedInterest(principal, new Decimal(f.annualRate), businessDate(f.disbursedAt), payments, asOf));
  const dpd = outstanding.isZero() ? 0 : daysPastDue(scheduleRowsOf(schedule), payments, asOf);
  return { outstanding, accruedInterest: Decimal.max(ZERO, accrued.minus(interestPaid)), daysPastDue: dpd, bucket: bucketOf(dpd) };
}

export interface FinancingPage {
  rows: Row<Financing>[];
  limit: number;
  cursorOf(f: Row<Financing>): string;
  count(): Promise<number>;
}

/** The list filter as SQL conditions on `financing f`, each input checked and named when wrong. */
function financingConditions(filter: FinancingFilter | null | undefined): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (!filter) return { where, params };
  if (filter.clientIds) (where.push('f.client_id in (?)'), params.push(filter.clientIds.length ? filter.clientIds.map((id, i) => idArg(`filter.clientIds[${i}]`, id)) : [null]));
  if (filter.statuses?.length) (where.push('f.status in (?)'), params.push(filter.statuses));
  if (filter.products?.length) (where.push('f.product in (?)'), params.push(filter.products));
  if (filter.buckets?.length) (where.push('f.recorded_bucket in (?)'), params.push(filter.buckets));
  if (filter.currency) (where.push('f.currency = ?'), params.push(currencyArg('filter.currency', filter.currency)));
  if (filter.amlHold !== undefined && filter.amlHold !== null) (where.push('f.aml_hold = ?'), params.push(filter.amlHold));
  return { where, params };
}

export class FinancingService {
  constructor(
    private readonly em: EntityManager,
    private readonly policy: FinancingPolicy = { rateCapMultiple: new Decimal(4) },
  ) {}

  async create(input: CreateFinancingInput, actor: Actor, now = new Date()): Promise<Financing> {
    const amount = moneyArg('input.amount', input.amount);
    const rate = input.annualRate;
    if (rate.isNegative() || rate.greaterThanOrEqualTo(1)) throw badInput('input.annualRate', 'must be a yearly fraction from 0 to below 1 ("0.085" is 8.5%)');
    if (rate.decimalPlaces() > 6) throw badInput('input.annualRate', 'must have at most six decimals');
    const tenorDays = integerArg('input.tenorDays', input.tenorDays, 1, 3650);
    const currency = currencyArg('input.currency', input.currency);
    const contractDate = input.contractDate ? dateArg('input.contractDate', input.contractDate) : businessDate(now);
    if (contractDate > businessDate(now)) throw badInput('input.contractDate', 'must not be in the future');
    const method = input.repaymentMethod ?? RepaymentMethod.BULLET;
    const instalments =
      method === RepaymentMethod.BULLET
        ? integerArg('input.instalments', input.instalments ?? 1, 1, 1)
        : integerArg('input.instalments', input.instalments ?? 0, 2, Math.min(120, tenorDays));
    const fee = moneyArg('input.fee', input.fee ?? ZERO, { allowZero: true });
    const clientId = idArg('input.clientId', input.clientId);

    return this.em.transactional(async (tem) => {
      const client = await tem.findOne(Client, { id: clientId });
      if (!client) throw notFound('Client', clientId);
      if (!BORROWER_STATUSES.includes(client.status)) {
        throw conflict(`input.clientId: client is ${client.status}; only ACTIVE or WATCHLIST clients may take financing`, 'input.clientId', {
          current: client.status,
        });
      }
      const takers = PRODUCT_TAKERS[input.product];
      if (!takers.includes(client.kind)) {
        throw badInput('input.product', `${input.product} is for ${takers.join(', ')} clients; this client is a ${client.kind}`);
      }
      const pieces = await this.productPieces(tem, input, client, amount, contractDate);

      const lines = await tem.find(CreditLine, { client, currency });
      const line = lines.find((l) => creditLineStatus(l, now) === CreditLineStatus.ACTIVE);
      if (!line) {
        const states = lines.map((l) => `${l.id} is ${creditLineStatus(l, now)}`).join('; ');
        throw conflict(`input.clientId: client has no ACTIVE credit line in ${currency}${states ? ` (${states})` : ''}`, 'input.clientId');
      }

      if (this.policy.rateCapMultiple) {
        const lprs = (await tem.find(LoanPrimeRate, {})).map((r) => ({ effectiveDate: r.effectiveDate, rate: new Decimal(r.rate) }));
        const verdict = checkRateCap(rate, contractDate, lprs, this.policy.rateCapMultiple);
        if (!verdict.ok) {
          if (verdict.reason === 'NO_LPR') throw badInput('input.contractDate', `no one-year LPR was in force on ${contractDate}; the rate cap cannot be checked`);
          throw rateCapExceeded(rate, verdict.cap, this.policy.rateCapMultiple, verdict.lpr, contractDate);
        }
      }

      const financing = tem.create(Financing, {
        client,
        creditLine: line,
        product: input.product,
        amount: amount.toFixed(2),
        currency,
        annualRate: rate.toFixed(),
        tenorDays,
        contractDate,
        repaymentMethod: method,
        instalments,
        fee: fee.toFixed(2),
        anchorClient: pieces.anchor,
        pledgedGoods: pieces.pledgedGoods,
        purchaseOrderNumber: pieces.purchaseOrderNumber,
        leasedAsset: pieces.leasedAsset,
        submittedBy: actor.name,
      });
      for (const r of pieces.receivables) tem.create(Receivable, { ...r, financing });
      this.record(tem, financing, null, FinancingStatus.SUBMITTED, FinancingAction.SUBMITTED, actor, null);

      const hit = await this.screen(tem, client);
      if (hit) {
        financing.amlHold = true;
        financing.amlHoldReason = hit;
        this.record(tem, financing, financing.status, financing.status, FinancingAction.AML_HOLD, actor, hit);
      }
      return financing;
    });
  }

  /** The pieces each product requires; a missing one is BAD_USER_INPUT naming it. */
  private async productPieces(tem: EntityManager, input: CreateFinancingInput, client: Client, amount: Decimal, contractDate: string) {
    const out = {
      anchor: null as Client | null,
      pledgedGoods: null as string | null,
      purchaseOrderNumber: null as string | null,
      leasedAsset: null as string | null,
      receivables: [] as { invoiceNumber: string; debtor: Client; amount: string; dueDate: string }[],
    };
    const anchorOf = async (role: SupplyChainRole, what: string): Promise<Client> => {
      if (!input.anchorClientId) throw badInput('input.anchorClientId', `${input.product} needs ${what}`);
      const anchor = await tem.findOne(Client, { id: idArg('input.anchorClientId', input.anchorClientId) });
      if (!anchor || anchor.kind !== ClientKind.CORE_ENTERPRISE) throw badInput('input.anchorClientId', 'must be a CORE_ENTERPRISE client');
      const link = await tem.count(SupplyChainLink, { coreEnterprise: anchor, counterparty: client, role });
      if (!link) throw badInput('input.anchorClientId', `${anchor.name} has no ${role} link to ${client.name}`);
      return anchor;
    };
    switch (input.product) {
      case ProductKind.REVERSE_FACTORING:
        out.anchor = await anchorOf(SupplyChainRole.SUPPLIER, 'the anchor core enterprise the supplier sells to (anchorClientId)');
        break;
      case ProductKind.PREPAYMENT_FINANCING:
        out.anchor = await anchorOf(SupplyChainRole.DISTRIBUTOR, 'the core enterprise the distributor buys from (anchorClientId)');
        out.purchaseOrderNumber = requiredText('input.purchaseOrderNumber', input.purchaseOrderNumber, 100);
        break;
      case ProductKind.INVENTORY_FINANCING:
        // Shipments carrying the pledged goods are linked from the logistics side (registerShipment's financingId).
        out.pledgedGoods = requiredText('input.pledgedGoods', input.pledgedGoods, 500);
        break;
      case ProductKind.FINANCIAL_LEASING:
        out.leasedAsset = requiredText('input.leasedAsset', input.leasedAsset, 500);
        break;
      case ProductKind.RECEIVABLES_FACTORING: {
        const receivables = input.receivables ?? [];
        if (!receivables.length) throw badInput('input.receivables', 'RECEIVABLES_FACTORING needs the receivables financed (invoice number, debtor, amount, due date)');
        // Counterparties on either side of a link: the cores a supplier sells to, the distributors a core sells to.
        const links = await tem.find(SupplyChainLink, { $or: [{ coreEnterprise: client }, { counterparty: client }] });
        const linked = new Set(links.map((l) => (l.coreEnterprise.id === client.id ? l.counterparty.id : l.coreEnterprise.id)));
        const seen = new Set<string>();
        for (const [i, r] of receivables.entries()) {
          const at = `input.receivables[${i}]`;
          const invoiceNumber = requiredText(`${at}.invoiceNumber`, r.invoiceNumber, 60);
          if (seen.has(invoiceNumber)) throw badInput(`${at}.invoiceNumber`, `invoice ${invoiceNumber} is listed twice`);
          seen.add(invoiceNumber);
          const debtorId = idArg(`${at}.debtorId`, r.debtorId);
          if (!linked.has(debtorId)) throw badInput(`${at}.debtorId`, `the debtor must be a supply-chain counterparty of ${client.name}`);
          const debtor = await tem.findOneOrFail(Client, { id: debtorId });
          const amountR = moneyArg(`${at}.amount`, r.amount);
          const dueDate = dateArg(`${at}.dueDate`, r.dueDate);
          if (dueDate <= contractDate) throw badInput(`${at}.dueDate`, `must be after the contract date ${contractDate}`);
          out.receivables.push({ invoiceNumber, debtor, amount: amountR.toFixed(2), dueDate });
        }
        const total = sum(out.receivables.map((r) => new Decimal(r.amount)));
        if (amount.greaterThan(total)) throw badInput('input.amount', `must not exceed the receivables financed (${total.toFixed(2)})`);
        break;
      }
      case ProductKind.CREDIT_LOAN:
        break;
    }
    return out;
  }

  /** A watch-list entry matching the client's credit code or name, described; null when clear. */
  private async screen(tem: EntityManager, client: Client): Promise<string | null> {
    const entries = await tem.find(AmlWatchEntry, {
      $or: [{ unifiedSocialCreditCode: client.unifiedSocialCreditCode }, { name: { $ilike: client.name.replace(/[\\%_]/g, (c) => `\\${c}`) } }],
    });
    const hit = entries[0];
    if (!hit) return null;
    const matched = hit.unifiedSocialCreditCode === client.unifiedSocialCreditCode ? `credit code ${client.unifiedSocialCreditCode}` : `name "${client.name}"`;
    return `${matched} is on the AML watch list${hit.reason ? `: ${hit.reason}` : ''}`;
  }

  /**
   * Approves and reserves the amount on the credit line. The line row is locked first, so
   * concurrent approvals against one line are checked one after the other and never overdraw it.
   */
  async approve(id: string, actor: Actor, now = new Date()): Promise<Financing> {
    const outcome = await this.em.transactional(async (tem): Promise<{ held: Financing } | { approved: Financing }> => {
      const f = await this.lock(tem, id);
      this.assertMove(f, FinancingStatus.APPROVED);
      if (f.amlHold) throw amlHeld(f.id, f.amlHoldReason);
      // Screened again: the watch list may have grown since submission. A hold an ADMIN cleared
      // stays cleared. A new hold is committed, then refused (a throw would roll it back).
      if (!(await tem.count(FinancingTransition, { financing: f, action: FinancingAction.AML_CLEARED }))) {
        const hit = await this.screen(tem, await tem.findOneOrFail(Client, { id: f.client.id }));
        if (hit) {
          f.amlHold = true;
          f.amlHoldReason = hit;
          this.record(tem, f, f.status, f.status, FinancingAction.AML_HOLD, actor, hit);
          return { held: f };
        }
      }
      const line = await tem.findOneOrFail(CreditLine, { id: f.creditLine.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      const status = creditLineStatus(line, now);
      if (status !== CreditLineStatus.ACTIVE) throw conflict(`credit line ${line.id} is ${status}; a deal cannot be approved against it`, undefined, { current: status });
      const utilized = (await utilizationOf(tem, [line.id])).get(line.id) ?? ZERO;
      const available = Decimal.max(ZERO, new Decimal(line.limit).minus(utilized));
      const amount = new Decimal(f.amount);
      if (amount.greaterThan(available)) throw creditLimitExceeded(line.id, line.currency, available, amount);
      this.move(tem, f, FinancingStatus.APPROVED, FinancingAction.APPROVED, actor, null);
      return { approved: f };
    });
    if ('held' in outcome) throw amlHeld(outcome.held.id, outcome.held.amlHoldReason);
    return outcome.approved;
  }

  async reject(id: string, reason: string, actor: Actor): Promise<Financing> {
    const why = requiredText('reason', reason, 500);
    return this.em.transactional(async (tem) => {
      const f = await this.lock(tem, id);
      this.move(tem, f, FinancingStatus.REJECTED, FinancingAction.REJECTED, actor, why);
      return f;
    });
  }

  /** Pays the deal out (at `disbursedAt`, default now): schedule version 1, ledger entries. */
  async disburse(id: string, actor: Actor, disbursedAt?: Date | null, now = new Date()): Promise<Financing> {
    const at = disbursedAt ? notInFuture('disbursedAt', disbursedAt, now) : now;
    return this.em.transactional(async (tem) => {
      const f = await this.lock(tem, id);
      this.assertMove(f, FinancingStatus.DISBURSED);
      if (f.amlHold) throw amlHeld(f.id, f.amlHoldReason);
      const start = businessDate(at);
      if (start < f.contractDate) throw badInput('disbursedAt', `must not be before the contract date ${f.contractDate}`);
      const line = await tem.findOneOrFail(CreditLine, { id: f.creditLine.id });
      const status = creditLineStatus(line, now);
      if (status !== CreditLineStatus.ACTIVE) throw conflict(`credit line ${line.id} is ${status}; nothing can be disbursed from it`, undefined, { current: status });

      const amount = new Decimal(f.amount);
      const plan = buildSchedule(amount, start, f.tenorDays, f.repaymentMethod, f.instalments);
      for (const p of plan) {
        tem.create(ScheduleInstalment, {
          financing: f,
          version: 1,
          seq: p.seq,
          dueDate: p.dueDate,
          principal: p.principal.toFixed(2),
          effectiveFrom: start,
          principalPaidBefore: '0.00',
        });
      }
      f.disbursedAt = at;
      f.maturityDate = plan[plan.length - 1]!.dueDate;
      f.outstandingPrincipal = amount.toFixed(2);
      f.scheduleVersion = 1;
      this.ledger(tem, f, LedgerEntryKind.DISBURSEMENT, amount, at, `${f.product} disbursed`);
      const fee = new Decimal(f.fee);
      if (fee.greaterThan(0)) this.ledger(tem, f, LedgerEntryKind.FEE, fee, at, 'arrangement fee');
      this.move(tem, f, FinancingStatus.DISBURSED, FinancingAction.DISBURSED, actor, null);
      return f;
    });
  }

  /**
   * Books a repayment: accrued interest first, then principal. More than what is due on the
   * payment date is refused. Repaying everything makes the deal REPAID; catching up on an
   * OVERDUE deal cures it.
   */
  async recordRepayment(input: RecordRepaymentInput, actor: Actor, now = new Date()): Promise<Repayment> {
    const amount = moneyArg('input.amount', input.amount);
    const paidAt = notInFuture('input.paidAt', input.paidAt, now);
    return this.em.transactional(async (tem) => {
      const f = await this.lock(tem, input.financingId, 'input.financingId');
      if (!LIVE_STATUSES.includes(f.status) || !f.disbursedAt) {
        throw conflict(`financing is ${f.status}; repayments are recorded on ${LIVE_STATUSES.join(', ')} deals`, 'input.financingId', { current: f.status });
      }
      if (paidAt.getTime() < f.disbursedAt.getTime()) throw badInput('input.paidAt', `must not be before the disbursement (${f.disbursedAt.toISOString()})`);
      const previous = await tem.find(Repayment, { financing: f }, { orderBy: { paidAt: 'asc' } });
      const last = previous[previous.length - 1];
      if (last && paidAt.getTime() < last.paidAt.getTime()) {
        throw badInput('input.paidAt', `repayments are recorded in order; the last one was paid at ${last.paidAt.toISOString()}`);
      }
      const paidOn = businessDate(paidAt);
      const principalOut = new Decimal(f.outstandingPrincipal);
      const accrued = cents(accruedInterest(new Decimal(f.amount), new Decimal(f.annualRate), businessDate(f.disbursedAt), paymentsOf(previous), paidOn));
      const interestDue = Decimal.max(ZERO, accrued.minus(f.interestPaid));
      const due = principalOut.plus(interestDue);
      if (amount.greaterThan(due)) {
        throw badInput(
          'input.amount',
          `over-payment: ${due.toFixed(2)} ${f.currency} is due on ${paidOn} (principal ${principalOut.toFixed(2)} + interest ${interestDue.toFixed(2)})`,
          { due: due.toFixed(2), principal: principalOut.toFixed(2), interest: interestDue.toFixed(2) },
        );
      }
      const interest = Decimal.min(amount, interestDue);
      const principal = amount.minus(interest);
      const repayment = tem.create(Repayment, {
        financing: f,
        amount: amount.toFixed(2),
        interest: interest.toFixed(2),
        principal: principal.toFixed(2),
        paidAt,
        recordedBy: actor.name,
      });
      f.outstandingPrincipal = principalOut.minus(principal).toFixed(2);
      f.interestPaid = new Decimal(f.interestPaid).plus(interest).toFixed(2);
      this.ledger(tem, f, LedgerEntryKind.REPAYMENT, amount, paidAt, `repayment: principal ${principal.toFixed(2)}, interest ${interest.toFixed(2)}`);
      recordFinancingEvent(tem, FinancingTopic.REPAYMENT_RECORDED, f.id, {
        financingId: f.id,
        clientId: f.client.id,
        repaymentId: repayment.id,
        amount: amount.toFixed(2),
        principal: principal.toFixed(2),
        interest: interest.toFixed(2),
        outstandingPrincipal: f.outstandingPrincipal,
        paidAt: paidAt.toISOString(),
        actor: actor.name,
      });

      if (new Decimal(f.outstandingPrincipal).isZero()) {
        this.move(tem, f, FinancingStatus.REPAID, FinancingAction.REPAID, actor, null);
        this.rebucket(tem, f, 0, paidOn, BucketChangeCause.REPAYMENT);
      } else {
        const schedule = await tem.find(ScheduleInstalment, { financing: f });
        const dpd = daysPastDue(scheduleRowsOf(schedule), paymentsOf([...previous, repayment]), paidOn);
        if (f.status === FinancingStatus.OVERDUE && dpd === 0) this.cure(tem, f, actor);
        this.rebucket(tem, f, dpd, paidOn, BucketChangeCause.REPAYMENT);
      }
      return repayment;
    });
  }

  /** New schedule version for the outstanding principal from today; the old one stays. */
  async restructure(input: RestructureFinancingInput, actor: Actor, now = new Date()): Promise<Financing> {
    const reason = requiredText('input.reason', input.reason, 500);
    const tenorDays = integerArg('input.tenorDays', input.tenorDays, 1, 3650);
    return this.em.transactional(async (tem) => {
      const f = await this.lock(tem, input.financingId, 'input.financingId');
      this.assertMove(f, FinancingStatus.RESTRUCTURED);
      const method = input.repaymentMethod ?? f.repaymentMethod;
      const count =
        method === RepaymentMethod.BULLET
          ? 1
          : integerArg('input.instalments', input.instalments ?? f.instalments, 2, Math.min(120, tenorDays));
      const start = businessDate(now);
      const outstanding = new Decimal(f.outstandingPrincipal);
      const version = f.scheduleVersion + 1;
      const plan = buildSchedule(outstanding, start, tenorDays, method, count);
      const paidBefore = new Decimal(f.amount).minus(outstanding);
      for (const p of plan) {
        tem.create(ScheduleInstalment, {
          financing: f,
          version,
          seq: p.seq,
          dueDate: p.dueDate,
          principal: p.principal.toFixed(2),
          effectiveFrom: start,
          principalPaidBefore: paidBefore.toFixed(2),
        });
      }
      f.scheduleVersion = version;
      f.repaymentMethod = method;
      f.instalments = count;
      f.maturityDate = plan[plan.length - 1]!.dueDate;
      this.move(tem, f, FinancingStatus.RESTRUCTURED, FinancingAction.RESTRUCTURED, actor, reason);
      this.rebucket(tem, f, 0, start, BucketChangeCause.RESTRUCTURE);
      return f;
    });
  }

  async markDefaulted(id: string, reason: string, actor: Actor): Promise<Financing> {
    const why = requiredText('reason', reason, 500);
    return this.em.transactional(async (tem) => {
      const f = await this.lock(tem, id);
      this.move(tem, f, FinancingStatus.DEFAULTED, FinancingAction.DEFAULTED, actor, why);
      return f;
    });
  }

  /**
   * Sets or replaces what secures a deal (any deal not REJECTED or REPAID); the history entry
   * keeps the previous and the new guarantee. The one place a guarantee changes.
   */
  async changeGuarantee(input: ChangeFinancingGuaranteeInput, actor: Actor): Promise<Financing> {
    const next = guaranteeArg('input.guarantee', input.guarantee);
    const reason = requiredText('input.reason', input.reason, 500);
    return this.em.transactional(async (tem) => {
      const f = await this.lock(tem, input.financingId, 'input.financingId');
      if (!FINANCING_TRANSITIONS[f.status].length) {
        throw conflict(`financing is ${f.status}, which is final; its guarantee no longer changes`, 'input.financingId', { current: f.status });
      }
      const previous = guaranteeOf(f);
      if (sameGuarantee(previous, next)) throw badInput('input.guarantee', 'is the guarantee the deal has already');
      setGuarantee(f, next);
      this.record(tem, f, f.status, f.status, FinancingAction.GUARANTEE_CHANGED, actor, reason, { previous, guarantee: next });
      return f;
    });
  }

  /**
   * Terminates a live deal with recourse: the principal outstanding falls due today (a new
   * schedule version of one instalment; the old ones stay), the claim is that principal plus the
   * interest accrued to today, and the deal becomes DEFAULTED.
   */
  async terminateWithRecourse(id: string, reason: string, actor: Actor, now = new Date()): Promise<Financing> {
    const why = requiredText('reason', reason, 500);
    return this.em.transactional(async (tem) => {
      const f = await this.lock(tem, id);
      if (!TERMINABLE_STATUSES.includes(f.status) || !f.disbursedAt) {
        throw conflict(`financing is ${f.status}; only ${TERMINABLE_STATUSES.join(', ')} deals are terminated with recourse`, 'id', { current: f.status });
      }
      const today = businessDate(now);
      const schedule = await tem.find(ScheduleInstalment, { financing: f });
      const repayments = await tem.find(Repayment, { financing: f });
      const principal = new Decimal(f.outstandingPrincipal);
      const interest = positionOf(f, schedule, repayments, today).accruedInterest;
      const claim = principal.plus(interest);
      const version = f.scheduleVersion + 1;
      tem.create(ScheduleInstalment, {
        financing: f,
        version,
        seq: 1,
        dueDate: today,
        principal: principal.toFixed(2),
        effectiveFrom: today,
        principalPaidBefore: new Decimal(f.amount).minus(principal).toFixed(2),
      });
      f.scheduleVersion = version;
      f.repaymentMethod = RepaymentMethod.BULLET;
      f.instalments = 1;
      f.maturityDate = today;
      f.recourseClaim = claim.toFixed(2);
      this.move(tem, f, FinancingStatus.DEFAULTED, FinancingAction.TERMINATED_WITH_RECOURSE, actor, why, {
        recourseClaim: claim.toFixed(2),
        principal: principal.toFixed(2),
        interest: interest.toFixed(2),
        dueDate: today,
      });
      // The claim is due today: not past due yet; the daily scan counts from tomorrow.
      this.rebucket(tem, f, 0, today, BucketChangeCause.TERMINATION);
      return f;
    });
  }

  async clearAmlHold(id: string, note: string, actor: Actor): Promise<Financing> {
    const why = requiredText('note', note, 500);
    return this.em.transactional(async (tem) => {
      const f = await this.lock(tem, id);
      if (!f.amlHold) throw conflict('financing is not held by AML screening', undefined, { current: f.status });
      f.amlHold = false;
      this.record(tem, f, f.status, f.status, FinancingAction.AML_CLEARED, actor, why);
      return f;
    });
  }

  /** Newest first; keyset on (createdAt, id). One statement for the page, one for the count if asked. */
  async list(filter: FinancingFilter | null | undefined, first?: number | null, after?: string | null): Promise<FinancingPage> {
    const limit = pageSize(first);
    const { where, params } = financingConditions(filter);
    const page = [...where];
    const pageParams = [...params];
    if (after) {
      const { at, id } = decodeTimeIdCursor(after);
      page.push('(f.created_at, f.id) < (?, ?)');
      pageParams.push(at, id);
    }
    const whereSql = (conditions: string[]) => (conditions.length ? `where ${conditions.join(' and ')}` : '');
    const rows = await readRows(this.em, Financing, `select {columns} from financing f ${whereSql(page)} order by f.created_at desc, f.id desc limit ?`, [...pageParams, limit + 1], 'f');
    return {
      rows,
      limit,
      cursorOf: (f) => encodeCursor([f.createdAt.toISOString(), f.id]),
      count: async () => (await sqlRows<{ n: number }>(this.em, `select count(*)::int as n from financing f ${whereSql(where)}`, params))[0]!.n,
    };
  }

  // ---- helpers shared with the delinquency scan --------------------------------------------

  async lock(tem: EntityManager, id: string, field = 'id'): Promise<Financing> {
    const f = await tem.findOne(Financing, { id: idArg(field, id) }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!f) throw notFound('Financing', id);
    return f;
  }

  assertMove(f: Financing, to: FinancingStatus): void {
    if (!FINANCING_TRANSITIONS[f.status].includes(to)) throw illegalTransition(f.status, to);
  }

  move(
    tem: EntityManager,
    f: Financing,
    to: FinancingStatus,
    action: FinancingAction,
    actor: Actor,
    reason: string | null,
    detail: Record<string, unknown> | null = null,
  ): void {
    this.assertMove(f, to);
    const from = f.status;
    f.status = to;
    this.record(tem, f, from, to, action, actor, reason, detail);
  }

  /** Back from OVERDUE once the arrears are paid: to RESTRUCTURED if it was restructured. */
  cure(tem: EntityManager, f: Financing, actor: Actor): void {
    this.move(tem, f, f.scheduleVersion > 1 ? FinancingStatus.RESTRUCTURED : FinancingStatus.DISBURSED, FinancingAction.CURED, actor, 'arrears paid');
  }

  /**
   * Records a bucket change (history row + event) when the bucket differs from the recorded one.
   * `cause` says what moved it, so that readers of the event (the alert rules) do not call a
   * restructured or terminated deal "paid".
   */
  rebucket(tem: EntityManager, f: Financing, dpd: number, asOf: string, cause: BucketChangeCause): boolean {
    const to = bucketOf(dpd);
    if (to === f.recordedBucket) return false;
    const from = f.recordedBucket;
    f.recordedBucket = to;
    tem.create(BucketChange, { financing: f, fromBucket: from, toBucket: to, daysPastDue: dpd, asOf, recordedAt: historyStamp() });
    recordFinancingEvent(tem, FinancingTopic.BUCKET_CHANGED, f.id, { financingId: f.id, clientId: f.client.id, from, to, daysPastDue: dpd, asOf, cause, status: f.status });
    return true;
  }

  private record(
    tem: EntityManager,
    f: Financing,
    from: FinancingStatus | null,
    to: FinancingStatus,
    action: FinancingAction,
    actor: Actor,
    reason: string | null,
    detail: Record<string, unknown> | null = null,
  ): void {
    tem.create(FinancingTransition, { financing: f, action, fromStatus: from, toStatus: to, reason, detail, actorName: actor.name, actorId: actor.id, at: historyStamp() });
    recordFinancingEvent(tem, FinancingTopic.TRANSITIONED, f.id, {
      financingId: f.id,
      clientId: f.client.id,
      action,
      from,
      to,
      ...(reason ? { reason } : {}),
      ...(detail ? { detail } : {}),
      actor: actor.name,
    });
  }

  private ledger(tem: EntityManager, f: Financing, kind: LedgerEntryKind, amount: Decimal, at: Date, description: string): void {
    tem.create(LedgerEntry, { client: f.client, financing: f, kind, amount: amount.toFixed(2), currency: f.currency, occurredAt: at, description });
  }
}

