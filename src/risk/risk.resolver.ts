import { LocalDateResolver } from 'graphql-scalars';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { READERS, RISK_ASSESSORS, STATEMENT_WRITERS } from '../auth/viewer.js';
import { Client } from '../clients/client.entity.js';
import { ClientConnection } from '../clients/client.resolver.js';
import { actorOf } from '../graphql/context.js';
import { businessDate } from '../financing/financing.rules.js';
import { dateArg } from '../financing/money.js';
import type { Context } from '../graphql/context.js';
import { badInput, notFound } from '../core/errors.js';
import { PageArgs, toConnection, type Connection } from '../graphql/pagination.js';
import { RiskAssessment, RiskDimensionScore } from './risk-assessment.entity.js';
import { RiskReview } from './risk-review.entity.js';
import { RiskReviewService } from './risk-review.service.js';
import { AssessmentTrigger } from './risk.enums.js';
import { AddFinancialStatementInput, RecordRiskReviewInput } from './risk.inputs.js';
import { RiskService } from './risk.service.js';
import { FinancialStatement } from './statement.entity.js';
import { StatementService } from './statement.service.js';
import type { Row } from '../db/rows.js';

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
  async client(@Root() s: Row<FinancialStatement>, @Ctx() ctx: Context): Promise<Client> {
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
  dimensions(@Root() a: Row<RiskAssessment>): RiskDimensionScore[] {
    return a.dimensions;
  }

  @FieldResolver(() => Client)
  async client(@Root() a: Row<RiskAssessment>, @Ctx() ctx: Context): Promise<Client> {
    const client = await ctx.loaders.clients.byId.load(a.client.id);
    if (!client) throw notFound('Client', a.client.id);
    return client;
  }
}

@Resolver(() => RiskReview)
export class RiskReviewResolver {
  @Authorized(...RISK_ASSESSORS)
  @Mutation(() => RiskReview, {
    description:
      'Records a periodic review and sets the next review date; WATCHLIST, REINSTATE and EXIT move the client; resolves its open REVIEW_DUE alert',
  })
  async recordRiskReview(@Arg('input', () => RecordRiskReviewInput) input: RecordRiskReviewInput, @Ctx() ctx: Context): Promise<RiskReview> {
    const review = await new RiskReviewService(ctx.em).record(input, actorOf(ctx));
    // The client changed too (its review date, perhaps its status).
    ctx.loaders.clients.clearAll();
    return afterRiskWrite(ctx, review);
  }

  @FieldResolver(() => Client)
  async client(@Root() r: Row<RiskReview>, @Ctx() ctx: Context): Promise<Client> {
    const client = await ctx.loaders.clients.byId.load(r.client.id);
    if (!client) throw notFound('Client', r.client.id);
    return client;
  }
}

/** A client's statements, assessments and reviews. */
@Resolver(() => Client)
export class ClientRiskResolver {
  @Authorized(...READERS)
  @Query(() => ClientConnection, { description: 'Clients whose next periodic review is due on or before asOf (default today), most overdue first' })
  async riskReviewsDue(
    @Arg('asOf', () => LocalDateResolver, { nullable: true, description: 'Business date; default today (China Standard Time)' }) asOf: string | null,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Ctx() ctx: Context,
  ): Promise<Connection<Row<Client>>> {
    const date = asOf ? dateArg('asOf', asOf) : businessDate(new Date());
    const page = await new RiskReviewService(ctx.em).listDue(date, first, after);
    // Counted only if asked, alongside the page's relations.
    const total = () => page.count();
    for (const c of page.rows) ctx.loaders.clients.byId.prime(c.id, c);
    return toConnection(page.rows, page.limit, total, page.cursorOf);
  }

  @FieldResolver(() => [RiskReview], { description: 'Periodic reviews, newest first' })
  async riskReviews(
    @Root() client: Row<Client>,
    @Arg('last', () => Int, { nullable: true, description: 'At most this many (1–100), the newest' }) last: number | null,
    @Ctx() ctx: Context,
  ): Promise<Row<RiskReview>[]> {
    if (last !== null && (last < 1 || last > 100)) throw badInput('last', 'must be from 1 to 100');
    const all = await ctx.loaders.risk.reviewsByClient.load(client.id);
    return last === null ? all : all.slice(0, last);
  }

  @FieldResolver(() => [FinancialStatement], { description: 'Newest period first' })
  financialStatements(@Root() client: Row<Client>, @Ctx() ctx: Context): Promise<Row<FinancialStatement>[]> {
    return ctx.loaders.risk.statementsByClient.load(client.id);
  }

  @FieldResolver(() => RiskAssessment, { nullable: true, description: 'The newest assessment; null before the first' })
  riskAssessment(@Root() client: Row<Client>, @Ctx() ctx: Context): Promise<Row<RiskAssessment> | null> {
    return ctx.loaders.risk.latestAssessment.load(client.id);
  }

  @FieldResolver(() => [RiskAssessment], { description: 'Every assessment, newest first' })
  async riskAssessments(
    @Root() client: Row<Client>,
    @Arg('last', () => Int, { nullable: true, description: 'At most this many (1–100), the newest' }) last: number | null,
    @Ctx() ctx: Context,
  ): Promise<Row<RiskAssessment>[]> {
    if (last !== null && (last < 1 || last > 100)) throw badInput('last', 'must be from 1 to 100');
    const all = await ctx.loaders.risk.assessmentsByClient.load(client.id);
    return last === null ? all : all.slice(0, last);
  }
}
