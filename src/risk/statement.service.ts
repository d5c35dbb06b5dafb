import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Decimal } from 'decimal.js';
import { Client } from '../clients/client.entity.js';
import { idArg } from '../core/text.js';
import { appendEvent } from '../events/outbox.js';
import { businessDate } from '../financing/financing.rules.js';
import { dateArg } from '../financing/money.js';
import { badInput, conflict, notFound } from '../core/errors.js';
import { computeRatios, validateStatement, type StatementFigures } from './ratios.js';
import { RiskTopic } from './risk.events.js';
import type { AddFinancialStatementInput } from './risk.inputs.js';
import { FinancialStatement } from './statement.entity.js';

const MONEY_FIELDS = ['totalAssets', 'totalLiabilities', 'currentAssets', 'currentLiabilities', 'retainedEarnings', 'ebit', 'revenue', 'bookEquity'] as const;

/** An amount on a statement: any sign, at most two decimals, within the column. */
function amountArg(field: string, v: Decimal): Decimal {
  if (v.decimalPlaces() > 2) throw badInput(field, 'must have at most two decimals');
  if (v.abs().greaterThanOrEqualTo('1e18')) throw badInput(field, 'is too large');
  return v;
}

export class StatementService {
  constructor(private readonly em: EntityManager) {}

  /** Adds a period's statement with its ratios; refuses figures that leave a ratio undefined. */
  async add(input: AddFinancialStatementInput, now = new Date()): Promise<FinancialStatement> {
    const clientId = idArg('input.clientId', input.clientId);
    const periodEnd = dateArg('input.periodEnd', input.periodEnd);
    if (periodEnd > businessDate(now)) throw badInput('input.periodEnd', 'must not be in the future');
    for (const key of MONEY_FIELDS) amountArg(`input.${key}`, input[key]);
    if (input.operatingCashFlow) amountArg('input.operatingCashFlow', input.operatingCashFlow);
    const figures: StatementFigures = {
      totalAssets: input.totalAssets,
      totalLiabilities: input.totalLiabilities,
      currentAssets: input.currentAssets,
      currentLiabilities: input.currentLiabilities,
      retainedEarnings: input.retainedEarnings,
      ebit: input.ebit,
      revenue: input.revenue,
      bookEquity: input.bookEquity,
      operatingCashFlow: input.operatingCashFlow ?? null,
    };
    validateStatement(figures);
    const r = computeRatios(figures);
    // A denominator a million-millionth of the numerator says the figures are wrong, and would overflow the column.
    const huge = (d: Decimal | null) => d !== null && d.abs().greaterThanOrEqualTo('1e13');
    if (huge(r.currentRatio) || huge(r.operatingCashFlowCoverage)) throw badInput('input.currentLiabilities', 'is implausibly small against the other figures');
    if (huge(r.zScore)) throw badInput('input.totalLiabilities', 'is implausibly small against the other figures');
    return this.em.transactional(async (tem) => {
      // Locks the client: two concurrent additions for one period cannot both find none.
      const client = await tem.findOne(Client, { id: clientId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!client) throw notFound('Client', clientId);
      const existing = await tem.findOne(FinancialStatement, { client, periodEnd });
      if (existing) {
        throw conflict(`input.periodEnd: client already has a statement for the period ending ${periodEnd} (${existing.id})`, 'input.periodEnd', {
          statementId: existing.id,
        });
      }
      const statement = tem.create(FinancialStatement, {
        client,
        periodEnd,
        ...Object.fromEntries(MONEY_FIELDS.map((k) => [k, figures[k].toFixed(2)])),
        operatingCashFlow: figures.operatingCashFlow?.toFixed(2) ?? null,
        debtRatio: r.debtRatio.toFixed(6),
        currentRatio: r.currentRatio.toFixed(6),
        operatingCashFlowCoverage: r.operatingCashFlowCoverage?.toFixed(6) ?? null,
        zScore: r.zScore.toFixed(6),
        zone: r.zone,
      } as unknown as FinancialStatement);
      appendEvent(tem, RiskTopic.STATEMENT_ADDED, statement.id, { statementId: statement.id, clientId: client.id, periodEnd, zone: r.zone, zScore: r.zScore.toFixed(6) });
      return statement;
    });
  }
}
