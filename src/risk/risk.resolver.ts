import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { RISK_ASSESSORS, STATEMENT_WRITERS } from '../auth/viewer.js';
import { Client } from '../clients/client.entity.js';
import { actorOf } from '../financing/context.js';
import type { Context } from '../graphql/context.js';
import { badInput, notFound } from '../graphql/errors.js';
import { RiskAssessment, RiskDimensionScore } from './risk-assessment.entity.js';
import { AssessmentTrigger } from './risk.enums.js';
import { AddFinancialStatementInput } from './risk.inputs.js';
import { RiskService } from './risk.service.js';
import { FinancialStatement } from './statement.entity.js';
import { StatementService } from './statement.service.js';

function afterRiskWrite<T>(ctx: Context, result: T): T {
  ctx.loaders.risk.clearAll();
  return result;
}

@Resolver(() => FinancialStatement)
export class FinancialStatementResolver {
  @Authorized(...STATEMENT_WRITERS)
  @Mutation(() => FinancialStatement, {
    description: 'Adds a period’s statement with its ratios (one per client and period); the client is re-assessed automatically',
  })
  async addFinancialStatement(
    @Arg('input', () => AddFinancialStatementInput) input: AddFinancialStatementInput,
    @Ctx() ctx: Context,
  ): Promise<FinancialStatement> {
    return afterRiskWrite(ctx, await new StatementService(ctx.em).add(input));
  }

  @FieldResolver(() => Client)
  async client(@Root() s: FinancialStatement, @Ctx() ctx: Context): Promise<Client> {
    const client = await ctx.loaders.clients.byId.load(s.client.id);
    if (!client) throw notFound('Client', s.client.id);
    return client;
  }
}

@Resolver(() => RiskAssessment)
export class RiskAssessmentResolver {
  @Authorized(...RISK_ASSESSORS)
  @Mutation(() => RiskAssessment, { description: 'Scores the client now from its statements, repayments, shipments and exposure, and keeps the result' })
  async assessClientRisk(@Arg('clientId', () => ID) clientId: string, @Ctx() ctx: Context): Promise<RiskAssessment> {
    const by = actorOf(ctx).name;
    return afterRiskWrite(ctx, await new RiskService(ctx.em).assess(clientId, { trigger: AssessmentTrigger.MANUAL, by }));
  }

  @FieldResolver(() => [RiskDimensionScore], { description: 'Each dimension with its weight and contribution, in model order' })
  dimensions(@Root() a: RiskAssessment): RiskDimensionScore[] {
    return a.dimensions;
  }

  @FieldResolver(() => Client)
  async client(@Root() a: RiskAssessment, @Ctx() ctx: Context): Promise<Client> {
    const client = await ctx.loaders.clients.byId.load(a.client.id);
    if (!client) throw notFound('Client', a.client.id);
    return client;
  }
}

/** A client's statements and assessments. */
@Resolver(() => Client)
export class ClientRiskResolver {
  @FieldResolver(() => [FinancialStatement], { description: 'Newest period first' })
  financialStatements(@Root() client: Client, @Ctx() ctx: Context): Promise<FinancialStatement[]> {
    return ctx.loaders.risk.statementsByClient.load(client.id);
  }

  @FieldResolver(() => RiskAssessment, { nullable: true, description: 'The newest assessment; null before the first' })
  riskAssessment(@Root() client: Client, @Ctx() ctx: Context): Promise<RiskAssessment | null> {
    return ctx.loaders.risk.latestAssessment.load(client.id);
  }

  @FieldResolver(() => [RiskAssessment], { description: 'Every assessment, newest first' })
  async riskAssessments(
    @Root() client: Client,
    @Arg('last', () => Int, { nullable: true, description: 'At most this many (1–100), the newest' }) last: number | null,
    @Ctx() ctx: Context,
  ): Promise<RiskAssessment[]> {
    if (last !== null && (last < 1 || last > 100)) throw badInput('last', 'must be from 1 to 100');
    const all = await ctx.loaders.risk.assessmentsByClient.load(client.id);
    return last === null ? all : all.slice(0, last);
  }
}
