import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Float, ID, ObjectType } from 'type-graphql';
import { Client } from '../clients/client.entity.js';
import { DecimalScalar } from '../graphql/scalars.js';
import { AssessmentTrigger, RiskDimension, Tier, ZScoreZone } from './risk.enums.js';

/** One dimension of a score: its own 0–100 score, its weight, and what it adds to the total. */
@ObjectType({ description: 'One dimension of a risk score' })
export class RiskDimensionScore {
  @Field(() => RiskDimension)
  dimension!: RiskDimension;

  @Field(() => Float, { description: 'Fraction of the total score (weights sum to 1)' })
  weight!: number;

  @Field(() => Float, { description: '0–100' })
  score!: number;

  @Field(() => Float, { description: 'weight × score: the points this dimension adds' })
  contribution!: number;

  @Field(() => String, { description: 'What the dimension saw, in words' })
  detail!: string;
}

/** A client's risk assessment: kept forever, the newest is the client's current one. */
@ObjectType({ description: 'An explainable credit assessment of a client' })
@Entity({ tableName: 'risk_assessment' })
@Index({ name: 'risk_assessment_client_idx', properties: ['client', 'assessedAt', 'id'] })
export class RiskAssessment {
  [OptionalProps]?: 'assessedAt' | 'zScore' | 'zone';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Client })
  client!: Client;

  @Field(() => Float, { description: '0–100, one decimal' })
  @Property({ type: 'decimal', precision: 5, scale: 1 })
  score!: string;

  @Field(() => Tier)
  @Enum({ items: () => Tier, type: 'string' })
  tier!: Tier;

  @Field(() => DecimalScalar, { nullable: true, description: "Altman Z″ of the statement used; null without one" })
  @Property({ type: 'decimal', precision: 20, scale: 6, nullable: true })
  zScore?: string | null = null;

  @Field(() => ZScoreZone, { nullable: true })
  @Enum({ items: () => ZScoreZone, type: 'string', nullable: true })
  zone?: ZScoreZone | null = null;

  /** `RiskDimensionScore[]`, exposed through the resolver. */
  @Property({ type: 'json' })
  dimensions!: RiskDimensionScore[];

  @Field(() => [String], { description: 'Why the score and tier are what they are, in words a person can act on' })
  @Property({ type: 'json' })
  reasons!: string[];

  @Field(() => String, { description: 'The scoring model that produced it' })
  @Property({ type: 'string', length: 40 })
  modelVersion!: string;

  @Field(() => AssessmentTrigger)
  @Enum({ items: () => AssessmentTrigger, type: 'string' })
  trigger!: AssessmentTrigger;

  @Field(() => String, { description: 'API key name, or the reaction that ran it' })
  @Property({ type: 'string', length: 120 })
  assessedBy!: string;

  // Millisecond precision: ordering key of the history.
  @Field(() => Date)
  @Property({ type: 'datetime', length: 3, defaultRaw: 'clock_timestamp()' })
  assessedAt: Date = new Date();
}
