import { randomUUID } from 'node:crypto';
import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { LocalDateResolver } from 'graphql-scalars';
import { DecimalScalar } from '../graphql/scalars.js';

/** A published one-year Loan Prime Rate (贷款市场报价利率), in force from its date until the next. */
@ObjectType({ description: 'A published one-year Loan Prime Rate' })
@Entity({ tableName: 'loan_prime_rate' })
export class LoanPrimeRate {
  [OptionalProps]?: 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => LocalDateResolver)
  @Property({ type: 'date', unique: 'loan_prime_rate_date_uidx' })
  effectiveDate!: string;

  @Field(() => DecimalScalar, { description: 'Yearly fraction, "0.03" is 3.00%' })
  @Property({ type: 'decimal', precision: 9, scale: 6 })
  rate!: string;

  @Field(() => Date)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/** A name or unified social credit code on the AML watch list. */
@ObjectType({ description: 'An entry of the AML watch list: a name, a credit code, or both' })
@Entity({ tableName: 'aml_watch_entry' })
export class AmlWatchEntry {
  [OptionalProps]?: 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 200, nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 18, nullable: true })
  unifiedSocialCreditCode?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 500, nullable: true })
  reason?: string | null;

  @Field(() => String)
  @Property({ type: 'string', length: 120 })
  addedBy!: string;

  @Field(() => Date)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
