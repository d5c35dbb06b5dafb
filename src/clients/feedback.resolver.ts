import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { Client } from './client.entity.js';
import { FeedbackKind } from './client.enums.js';
import { afterWrite } from './client.resolver.js';
import { Feedback } from './feedback.entity.js';
import { ResolveComplaintInput, Satisfaction, SubmitFeedbackInput } from './feedback.inputs.js';
import { FeedbackService } from './feedback.service.js';
import { CLIENT_WRITERS } from '../auth/viewer.js';
import type { Context } from '../graphql/context.js';
import type { Row } from '../db/rows.js';

@Resolver(() => Feedback)
export class FeedbackResolver {
  @Authorized(...CLIENT_WRITERS)
  @Mutation(() => Feedback, { description: 'Records a survey answer (score 0–10) or a complaint (category and body; starts OPEN)' })
  async submitFeedback(@Arg('input', () => SubmitFeedbackInput) input: SubmitFeedbackInput, @Ctx() ctx: Context): Promise<Feedback> {
    return afterWrite(ctx, await new FeedbackService(ctx.em).submit(input));
  }

  @Authorized(...CLIENT_WRITERS)
  @Mutation(() => Feedback, { description: 'OPEN → IN_PROGRESS: someone is handling the complaint' })
  async startComplaint(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Feedback> {
    return afterWrite(ctx, await new FeedbackService(ctx.em).startComplaint(id));
  }

  @Authorized(...CLIENT_WRITERS)
  @Mutation(() => Feedback, { description: 'Closes a complaint with what was done about it' })
  async resolveComplaint(@Arg('input', () => ResolveComplaintInput) input: ResolveComplaintInput, @Ctx() ctx: Context): Promise<Feedback> {
    return afterWrite(ctx, await new FeedbackService(ctx.em).resolveComplaint(input));
  }

  @FieldResolver(() => Client)
  client(@Root() feedback: Row<Feedback>, @Ctx() ctx: Context): Promise<Client | null> {
    return ctx.loaders.clients.byId.load(feedback.client.id);
  }
}

@Resolver(() => Client)
export class ClientFeedbackResolver {
  @FieldResolver(() => [Feedback], { description: 'Surveys and complaints, newest first' })
  async feedback(
    @Root() client: Row<Client>,
    @Arg('kind', () => FeedbackKind, { nullable: true }) kind: FeedbackKind | null,
    @Ctx() ctx: Context,
  ): Promise<Row<Feedback>[]> {
    const all = await ctx.loaders.clients.feedback.load(client.id);
    return kind ? all.filter((f) => f.kind === kind) : all;
  }

  @FieldResolver(() => Satisfaction)
  async satisfaction(@Root() client: Row<Client>, @Ctx() ctx: Context): Promise<Satisfaction> {
    const s = await ctx.loaders.clients.satisfaction.load(client.id);
    return {
      surveys: s.surveys,
      averageScore: s.averageScore === null ? null : Math.round(s.averageScore * 100) / 100,
      netPromoterScore: s.surveys ? Math.round(((s.promoters - s.detractors) * 100) / s.surveys) : null,
    };
  }
}
