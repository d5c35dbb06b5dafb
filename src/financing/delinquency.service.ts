import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Field, Int, ObjectType } from 'type-graphql';
import { LocalDateResolver } from 'graphql-scalars';
import { BucketChangeCause, FinancingStatus, LIVE_STATUSES, FinancingAction } from './financing.enums.js';
import { Financing, Repayment, ScheduleInstalment } from './financing.entity.js';
import { daysPastDue } from './financing.rules.js';
import { FinancingService, paymentsOf, scheduleRowsOf } from './financing.service.js';
import { SYSTEM_SCAN } from './money.js';
import { type Actor } from '../core/actor.js';

/** Serialises scans of hub instances sharing one PostgreSQL. */
const SCAN_LOCK = 0x5cf_d9d0;

@ObjectType({ description: 'What a delinquency scan did' })
export class DelinquencyScanResult {
  @Field(() => LocalDateResolver)
  asOf!: string;

  @Field(() => Int, { description: 'Live deals looked at' })
  scanned!: number;

  @Field(() => Int)
  becameOverdue!: number;

  @Field(() => Int, { description: 'OVERDUE deals whose arrears were paid' })
  cured!: number;

  @Field(() => Int)
  bucketChanges!: number;
}

export class DelinquencyService {
  constructor(private readonly em: EntityManager) {}

  /**
   * Measures every live deal's days past due as of `asOf`: moves late ones to OVERDUE (and caught
   * up ones back), records bucket changes, with outbox events, in one transaction.
   */
  async scan(asOf: string, actor: Actor = SYSTEM_SCAN): Promise<DelinquencyScanResult> {
    return this.em.transactional(async (tem) => {
      await tem.execute('select pg_advisory_xact_lock(?)', [SCAN_LOCK]);
      const deals = await tem.find(Financing, { status: { $in: [...LIVE_STATUSES] } }, { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } });
      const ids = deals.map((d) => d.id);
      const [schedule, repayments] = ids.length
        ? await Promise.all([
            tem.find(ScheduleInstalment, { financing: { $in: ids } }),
            tem.find(Repayment, { financing: { $in: ids } }),
          ])
        : [[], []];
      const group = <T extends { financing: { id: string } }>(rows: T[]) => {
        const m = new Map<string, T[]>();
        for (const r of rows) m.set(r.financing.id, [...(m.get(r.financing.id) ?? []), r]);
        return m;
      };
      const schedules = group(schedule);
      const payments = group(repayments);
      const rules = new FinancingService(tem);
      const result: DelinquencyScanResult = { asOf, scanned: deals.length, becameOverdue: 0, cured: 0, bucketChanges: 0 };
      for (const f of deals) {
        const dpd = daysPastDue(scheduleRowsOf(schedules.get(f.id) ?? []), paymentsOf(payments.get(f.id) ?? []), asOf);
        if (dpd > 0 && (f.status === FinancingStatus.DISBURSED || f.status === FinancingStatus.RESTRUCTURED)) {
          rules.move(tem, f, FinancingStatus.OVERDUE, FinancingAction.BECAME_OVERDUE, actor, `${dpd} days past due on ${asOf}`);
          result.becameOverdue++;
        } else if (dpd === 0 && f.status === FinancingStatus.OVERDUE) {
          rules.cure(tem, f, actor);
          result.cured++;
        }
        if (rules.rebucket(tem, f, dpd, asOf, BucketChangeCause.SCAN)) result.bucketChanges++;
      }
      return result;
    });
  }
}
