import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { LocalDateResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { Client } from '../clients/client.entity.js';
import { DecimalScalar } from '../graphql/scalars.js';
import { ZScoreZone } from './risk.enums.js';

// Functions, not shared objects: MikroORM writes into the options it is given.
const money = () => ({ type: 'decimal', precision: 20, scale: 2 }) as const;
const ratio = () => ({ type: 'decimal', precision: 20, scale: 6 }) as const;

/**
 * A client's financial statement for one period, with the ratios computed when it was added
 * (the figures never change afterwards, so neither do the ratios; stored, they can be queried).
 */
@ObjectType({ description: "A client's financial statement for one period, with its ratios" })
@Entity({ tableName: 'financial_statement' })
@Unique({ name: 'financial_statement_client_period_uidx', properties: ['client', 'periodEnd'] })
@Index({ name: 'financial_statement_zone_idx', properties: ['client', 'zone', 'periodEnd'] })
export class FinancialStatement {
  [OptionalProps]?: 'createdAt' | 'operatingCashFlow' | 'operatingCashFlowCoverage';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Client })
  client!: Client;

  @Field(() => LocalDateResolver, { description: 'Last day of the period the statement covers' })
  @Property({ type: 'date' })
  periodEnd!: string;

  @Field(() => DecimalScalar)
  @Property(money())
  totalAssets!: string;

  @Field(() => DecimalScalar)
  @Property(money())
  totalLiabilities!: string;

  @Field(() => DecimalScalar)
  @Property(money())
  currentAssets!: string;

  @Field(() => DecimalScalar)
  @Property(money())
  currentLiabilities!: string;

  @Field(() => DecimalScalar)
  @Property(money())
  retainedEarnings!: string;

  @Field(() => DecimalScalar)
  @Property(money())
  ebit!: string;

  @Field(() => DecimalScalar)
  @Property(money())
  revenue!: string;

  @Field(() => DecimalScalar)
  @Property(money())
  bookEquity!: string;

  @Field(() => DecimalScalar, { nullable: true, description: 'Net cash from operating activities' })
  @Property({ ...money(), nullable: true })
  operatingCashFlow?: string | null = null;

  @Field(() => DecimalScalar, { description: 'Total liabilities / total assets (6 decimals)' })
  @Property(ratio())
  debtRatio!: string;

  @Field(() => DecimalScalar, { description: 'Current assets / current liabilities (6 decimals)' })
  @Property(ratio())
  currentRatio!: string;

  @Field(() => DecimalScalar, { nullable: true, description: 'Operating cash flow / current liabilities (6 decimals); null without a cash-flow figure' })
  @Property({ ...ratio(), nullable: true })
  operatingCashFlowCoverage?: string | null = null;

  @Field(() => DecimalScalar, { description: "Altman Z″ = 6.56·X1 + 3.26·X2 + 6.72·X3 + 1.05·X4 (6 decimals)" })
  @Property(ratio())
  zScore!: string;

  @Field(() => ZScoreZone)
  @Enum({ items: () => ZScoreZone, type: 'string' })
  zone!: ZScoreZone;

  @Field(() => Date)
  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
