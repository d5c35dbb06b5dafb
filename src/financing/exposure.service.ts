import type { EntityManager } from '@mikro-orm/postgresql';
import { Decimal } from 'decimal.js';
import { Field, Int, ObjectType } from 'type-graphql';
import { DecimalScalar } from '../graphql/scalars.js';
import { UTILIZING_STATUSES } from './financing.enums.js';
import { sum, ZERO } from './financing.rules.js';
import { sqlRows } from '../db/sql.js';

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

/** Concentration measures, for any number of clients at once (the loaders batch them). */
export class ExposureService {
  constructor(private readonly em: EntityManager) {}

  /** Per client: exposure per debtor across its receivables in approved and live deals, largest first. */
  async debtorsOf(clientIds: readonly string[]): Promise<Map<string, DebtorExposure[]>> {
    const out = new Map<string, DebtorExposure[]>();
    if (!clientIds.length) return out;
    const rows = await sqlRows<{ client_id: string; debtor_id: string; receivables: number; amount: string }>(
      this.em,
      `select f.client_id, r.debtor_id, count(*)::int as receivables, sum(r.amount)::text as amount
         from receivable r join financing f on f.id = r.financing_id
        where f.client_id in (?) and f.status in (?)
        group by f.client_id, r.debtor_id
        order by f.client_id, sum(r.amount) desc, r.debtor_id`,
      [[...clientIds], [...UTILIZING_STATUSES]],
    );
    for (const r of rows) {
      const list = out.get(r.client_id) ?? [];
      list.push({ debtorId: r.debtor_id, receivables: r.receivables, amount: new Decimal(r.amount), share: ZERO });
      out.set(r.client_id, list);
    }
    for (const list of out.values()) {
      const total = sum(list.map((d) => d.amount));
      for (const d of list) d.share = share(d.amount, total);
    }
    return out;
  }

  /**
   * Per core enterprise: exposure of the core and every linked counterparty (approved amounts
   * plus outstanding principal), what of it is anchored on the core, and the receivables it owes.
   */
  async chainsOf(coreIds: readonly string[]): Promise<Map<string, ChainExposure>> {
    const out = new Map<string, ChainExposure>();
    if (!coreIds.length) return out;
    const ids = [...coreIds];
    const statuses = [...UTILIZING_STATUSES];
    const exposure = `sum(case when f.status = 'APPROVED' then f.amount else f.outstanding_principal end)`;
    const members = await sqlRows<{ core_id: string; client_id: string; deals: number; exposure: string }>(
      this.em,
      `select m.core_id, f.client_id, count(*)::int as deals, ${exposure}::text as exposure
         from (select id as core_id, id as member_id from client where id in (?)
               union
               select core_enterprise_id, counterparty_id from supply_chain_link where core_enterprise_id in (?)) m
         join financing f on f.client_id = m.member_id and f.status in (?)
        group by m.core_id, f.client_id
        order by m.core_id, ${exposure} desc, f.client_id`,
      [ids, ids, statuses],
    );
    const anchored = await sqlRows<{ core_id: string; amount: string }>(
      this.em,
      `select f.anchor_client_id as core_id, ${exposure}::text as amount
         from financing f where f.anchor_client_id in (?) and f.status in (?) group by f.anchor_client_id`,
      [ids, statuses],
    );
    const owed = await sqlRows<{ core_id: string; amount: string }>(
      this.em,
      `select r.debtor_id as core_id, sum(r.amount)::text as amount
         from receivable r join financing f on f.id = r.financing_id
        where r.debtor_id in (?) and f.status in (?) group by r.debtor_id`,
      [ids, statuses],
    );
    const anchoredOf = new Map(anchored.map((r) => [r.core_id, new Decimal(r.amount)]));
    const owedOf = new Map(owed.map((r) => [r.core_id, new Decimal(r.amount)]));
    for (const id of ids) {
      const mine = members.filter((m) => m.core_id === id);
      const total = sum(mine.map((m) => new Decimal(m.exposure)));
      out.set(id, {
        total,
        anchored: anchoredOf.get(id) ?? ZERO,
        receivablesOwed: owedOf.get(id) ?? ZERO,
        members: mine.map((m) => ({ clientId: m.client_id, deals: m.deals, exposure: new Decimal(m.exposure), share: share(new Decimal(m.exposure), total) })),
      });
    }
    return out;
  }
}
