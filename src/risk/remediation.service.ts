import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Decimal } from 'decimal.js';
import { CreditLine } from '../financing/credit-line.entity.js';
import { CreditLineService } from '../financing/credit-line.service.js';
import { RepaymentMethod } from '../financing/financing.enums.js';
import { Financing } from '../financing/financing.entity.js';
import { businessDate } from '../financing/financing.rules.js';
import { FinancingService, type FinancingPolicy } from '../financing/financing.service.js';
import { describeGuarantee, guaranteeOf } from '../financing/guarantee.js';
import { integerArg, moneyArg } from '../financing/money.js';
import { type Actor } from '../core/actor.js';
import { badInput, notFound } from '../core/errors.js';
import type { Alert } from './alert.entity.js';
import { RemediationAction } from './alert.enums.js';
import type { RemediationInput } from './alert.inputs.js';
import { extensionProblem, planRemediation, renameField, type RemediationPlan } from './remediation.rules.js';

/** What a remediation did, as the alert records it. */
export interface RemediationDone extends RemediationPlan {
  detail: string;
}

/**
 * Acts on an alert's remediation through the financing services, in the caller's transaction
 * (the alert's resolution). The services' own `transactional` calls nest as savepoints of it: a
 * failure anywhere rolls back the remediation and the resolution together.
 */
export class RemediationService {
  private readonly financings: FinancingService;
  private readonly lines: CreditLineService;

  constructor(
    private readonly tem: EntityManager,
    policy?: FinancingPolicy,
  ) {
    this.financings = new FinancingService(tem, policy);
    this.lines = new CreditLineService(tem);
  }

  async apply(alert: Alert, r: RemediationInput, note: string, actor: Actor, now = new Date()): Promise<RemediationDone> {
    const plan = planRemediation(r, alert);
    const done = (detail: string): RemediationDone => ({ ...plan, detail });
    switch (plan.action) {
      case RemediationAction.EXTEND_REPAYMENT: {
        const f = await this.deal(alert, plan.targetId);
        const tenorDays = integerArg('remediation.tenorDays', r.tenorDays ?? 0, 1, 3650);
        const today = businessDate(now);
        const before = f.maturityDate;
        const problem = before ? extensionProblem(today, before, tenorDays) : null;
        if (problem) throw badInput('remediation.tenorDays', problem, { maturityDate: before });
        const method = r.repaymentMethod ?? f.repaymentMethod;
        if (method === RepaymentMethod.BULLET && r.instalments !== null && r.instalments !== undefined && r.instalments !== 1) {
          throw badInput('remediation.instalments', 'is for EQUAL_INSTALMENTS; the deal would repay BULLET (set repaymentMethod)');
        }
        const after = await this.service(() =>
          this.financings.restructure(
            { financingId: f.id, tenorDays, repaymentMethod: r.repaymentMethod, instalments: r.instalments, reason: note },
            actor,
            now,
          ),
        );
        const repaid = after.instalments > 1 ? `${after.instalments} ${after.repaymentMethod}` : after.repaymentMethod;
        return done(`repayment extended: maturity ${before ?? 'none'} → ${after.maturityDate} (${tenorDays} days from ${today}, ${repaid}); schedule version ${after.scheduleVersion}`);
      }
      case RemediationAction.CHANGE_GUARANTEE: {
        const f = await this.deal(alert, plan.targetId);
        const before = guaranteeOf(f);
        const guarantee = r.guarantee!; // planRemediation requires it
        const after = await this.service(() => this.financings.changeGuarantee({ financingId: f.id, guarantee, reason: note }, actor));
        return done(`guarantee ${describeGuarantee(before, f.currency)} → ${describeGuarantee(guaranteeOf(after), f.currency)}`);
      }
      case RemediationAction.TERMINATE_WITH_RECOURSE: {
        const f = await this.deal(alert, plan.targetId);
        const principal = new Decimal(f.outstandingPrincipal);
        const after = await this.service(() => this.financings.terminateWithRecourse(f.id, note, actor, now));
        const claim = new Decimal(after.recourseClaim ?? principal);
        return done(
          `terminated with recourse: ${claim.toFixed(2)} ${f.currency} due ${after.maturityDate} ` +
            `(principal ${principal.toFixed(2)} + interest ${claim.minus(principal).toFixed(2)}); deal ${after.status}`,
        );
      }
      case RemediationAction.REDUCE_LIMIT: {
        const line = await this.line(alert, plan.targetId);
        const newLimit = moneyArg('remediation.newLimit', r.newLimit!); // planRemediation requires it
        const previous = new Decimal(line.limit);
        if (!newLimit.lessThan(previous)) {
          throw badInput('remediation.newLimit', `must be lower than the current limit ${previous.toFixed(2)} ${line.currency}`, { current: previous.toFixed(2) });
        }
        await this.service(() => this.lines.adjustLimit({ creditLineId: line.id, newLimit, reason: note }, actor, now));
        return done(`limit ${previous.toFixed(2)} → ${newLimit.toFixed(2)} ${line.currency}`);
      }
      case RemediationAction.FREEZE_LINE: {
        const line = await this.line(alert, plan.targetId);
        await this.service(() => this.lines.setFrozen({ creditLineId: line.id, reason: note }, true, actor, now));
        return done(`credit line frozen (limit ${new Decimal(line.limit).toFixed(2)} ${line.currency})`);
      }
    }
  }

  /** The deal, locked; it must be the alert's client's. */
  private async deal(alert: Alert, id: string): Promise<Financing> {
    const f = await this.tem.findOne(Financing, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!f) throw notFound('Financing', id);
    if (f.client.id !== alert.client.id) {
      throw badInput('remediation.financingId', `must be a deal of the alert's client (${alert.client.id}); deal ${id} is another client's`);
    }
    return f;
  }

  /** The credit line, locked; it must be the alert's client's. */
  private async line(alert: Alert, id: string): Promise<CreditLine> {
    const line = await this.tem.findOne(CreditLine, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!line) throw notFound('CreditLine', id);
    if (line.client.id !== alert.client.id) {
      throw badInput('remediation.creditLineId', `must be a credit line of the alert's client (${alert.client.id}); line ${id} is another client's`);
    }
    return line;
  }

  /** Runs a financing service call; its errors name the remediation's fields. */
  private async service<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw renameField(err);
    }
  }
}
