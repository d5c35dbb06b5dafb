import type { EntityManager } from '@mikro-orm/postgresql';
import { Decimal } from 'decimal.js';
import { Field, Int, ObjectType } from 'type-graphql';
import { DecimalScalar } from '../graphql/scalars.js';
import { UTILIZING_STATUSES } from './financing.enums.js';
import { sum, ZERO } from './financing.rules.js';

/** Exposure to one debtor across a client's receivables. */
@ObjectType()
export class DebtorExposure {
  debtorId!: string;

  @Field(() => Int)
  receivables!: number;

  @Field(() => DecimalScalar, { description: 'Face value of the receivables in approved and live deals' })
  amount!: Decimal;

  @Field(() => DecimalScalar, { description: "Fraction of the client's financed receivables, 4 decimals" })
  share!: Decimal;
}

/** One member's part of a core enterprise's chain exposure. */
@ObjectType()
export class ChainMemberExposure {
  clientId!: string;

  @Field(() => Int, { description: 'Approved and live deals' })
  deals!: number;

  @Field(() => DecimalScalar, { description: 'Approved amounts plus outstanding principal' })
  exposure!: Decimal;

  @Field(() => DecimalScalar, { description: 'Fraction of the chain total, 4 decimals' })
  share!: Decimal;
}

@ObjectType({ description: "Exposure across a core enterprise's supply chain (the core and every linked counterparty)" })
export class ChainExposure {
  @Field(() => DecimalScalar)
  total!: Decimal;

  @Field(() => DecimalScalar, { description: 'Part of the total in deals anchored on the core enterprise (reverse factoring, prepayment)' })
  anchored!: Decimal;

  @Field(() => DecimalScalar, { description: 'Receivables owed by the core enterprise in approved and live factoring deals' })
  receivablesOwed!: Decimal;

  @Field(() => [ChainMemberExposure], { description: 'Members with exposure, largest first' })
  members!: ChainMemberExposure[];
}

const share = (part: Decimal, total: Decimal) => (total.isZero() ? ZERO : part.dividedBy(total).toDecimalPlaces(4, Decimal.ROUND_HALF_UP));

/** Concentration measures. One or two statements per client asked about (not batched). */
export class ExposureService {
  constructor(private readonly em: EntityManager) {}

  private all<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.em.getConnection().execute<T[]>(sql, params, 'all', this.em.getTransactionContext());
  }

  async debtors(clientId: string): Promise<DebtorExposure[]> {
    const rows = await this.all<{ debtor_id: string; receivables: number; amount: string }>(
      `select r.debtor_id, count(*)::int as receivables, sum(r.amount)::text as amount
         from receivable r join financing f on f.id = r.financing_id
        where f.client_id = ? and f.status in (?)
        group by r.debtor_id order by sum(r.amount) desc, r.debtor_id`,
      [clientId, [...UTILIZING_STATUSES]],
    );
    const total = sum(rows.map((r) => new Decimal(r.amount)));
    return rows.map((r) => ({ debtorId: r.debtor_id, receivables: r.receivables, amount: new Decimal(r.amount), share: share(new Decimal(r.amount), total) }));
  }

  async chain(coreId: string): Promise<ChainExposure> {
    const statuses = [...UTILIZING_STATUSES];
    const members = await this.all<{ client_id: string; deals: number; exposure: string }>(
      `select f.client_id, count(*)::int as deals,
              sum(case when f.status = 'APPROVED' then f.amount else f.outstanding_principal end)::text as exposure
         from financing f
        where f.status in (?)
          and (f.client_id = ? or f.client_id in (select counterparty_id from supply_chain_link where core_enterprise_id = ?))
        group by f.client_id
        order by sum(case when f.status = 'APPROVED' then f.amount else f.outstanding_principal end) desc, f.client_id`,
      [statuses, coreId, coreId],
    );
    const [extra] = await this.all<{ anchored: string; owed: string }>(
      `select (select coalesce(sum(case when status = 'APPROVED' then amount else outstanding_principal end), 0)
                 from financing where anchor_client_id = ? and status in (?))::text as anchored,
              (select coalesce(sum(r.amount), 0) from receivable r join financing f on f.id = r.financing_id
                where r.debtor_id = ? and f.status in (?))::text as owed`,
      [coreId, statuses, coreId, statuses],
    );
    const total = sum(members.map((m) => new Decimal(m.exposure)));
    return {
      total,
      anchored: new Decimal(extra?.anchored ?? 0),
      receivablesOwed: new Decimal(extra?.owed ?? 0),
      members: members.map((m) => ({ clientId: m.client_id, deals: m.deals, exposure: new Decimal(m.exposure), share: share(new Decimal(m.exposure), total) })),
    };
  }
}
