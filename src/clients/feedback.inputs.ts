import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ComplaintCategory, FeedbackKind } from './client.enums.js';

@InputType({ description: 'A survey answer (score 0–10, optional comment in body) or a complaint (category and body)' })
export class SubmitFeedbackInput {
  @Field(() => ID)
  clientId!: string;

  @Field(() => FeedbackKind)
  kind!: FeedbackKind;

  @Field(() => Int, { nullable: true, description: 'SURVEY only: 0 (worst) to 10 (best)' })
  score?: number | null;

  @Field(() => ComplaintCategory, { nullable: true, description: 'COMPLAINT only, required' })
  category?: ComplaintCategory | null;

  @Field(() => String, { nullable: true, description: 'The complaint (required) or the survey comment' })
  body?: string | null;
}

@InputType()
export class ResolveComplaintInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'What was done about it' })
  resolution!: string;
}

@ObjectType({ description: "A client's satisfaction surveys in figures" })
export class Satisfaction {
  @Field(() => Int)
  surveys!: number;

  @Field(() => Float, { nullable: true, description: 'Mean score, 0–10; null without surveys' })
  averageScore!: number | null;

  @Field(() => Int, { nullable: true, description: '% of scores 9–10 minus % of scores 0–6 (−100…100); null without surveys' })
  netPromoterScore!: number | null;
}
