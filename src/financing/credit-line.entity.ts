import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Client } from '../clients/client.entity.js';
import { DecimalScalar } from '../graphql/scalars.js';
import { CreditLineChangeKind, CreditLineStatus } from './financing.enums.js';

/**
 * A client's credit line (授信额度) in one currency. `utilized` and `available` are not stored:
 * they are computed from the deals drawing on the line (see the loaders), so they cannot drift.
 * Only ACTIVE and FROZEN are stored; a line past `expiresAt` reads as EXPIRED.
 */
@ObjectType({ description: "A client's credit line in one currency" })
@Entity({ tableName: 'credit_line' })
@Index({ name: 'credit_line_client_idx', properties: ['client', 'currency'] })
export class CreditLine {
  [OptionalProps]?: 'status' | 'currency' | 'openedAt' | 'updatedAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Client })
  client!: Client;

  @Field(() => DecimalScalar, { description: 'The approved limit' })
  @Property({ type: 'decimal', precision: 20, scale: 2 })
  limit!: string;

  @Field(() => String, { description: 'ISO 4217' })
  @Property({ type: 'string', length: 3, default: 'CNY' })
  currency: string = 'CNY';

  /** Stored status: ACTIVE or FROZEN (EXPIRED is derived by the resolver). */
  @Enum({ items: () => CreditLineStatus, type: 'string', default: CreditLineStatus.ACTIVE })
  status: CreditLineStatus = CreditLineStatus.ACTIVE;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  expiresAt!: Date;

  @Field(() => Date)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  openedAt: Date = new Date();

  @Field(() => Date)
  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/** A line's status as callers see it at `now`. */
export function creditLineStatus(line: Pick<CreditLine, 'status' | 'expiresAt'>, now: Date = new Date()): CreditLineStatus {
  return line.expiresAt.getTime() <= now.getTime() ? CreditLineStatus.EXPIRED : line.status;
}

/** One entry of a credit line's history: opened, limit adjusted, frozen, unfrozen. */
@ObjectType()
@Entity({ tableName: 'credit_line_change' })
@Index({ name: 'credit_line_change_line_idx', properties: ['creditLine', 'at'] })
export class CreditLineChange {
  [OptionalProps]?: 'at';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => CreditLine })
  creditLine!: CreditLine;

  @Field(() => CreditLineChangeKind)
  @Enum({ items: () => CreditLineChangeKind, type: 'string' })
  kind!: CreditLineChangeKind;

  @Field(() => DecimalScalar, { nullable: true })
  @Property({ type: 'decimal', precision: 20, scale: 2, nullable: true })
  previousLimit?: string | null;

  @Field(() => DecimalScalar)
  @Property({ type: 'decimal', precision: 20, scale: 2 })
  newLimit!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 500, nullable: true })
  reason?: string | null;

  @Field(() => String, { description: 'Name of the API key that made the change' })
  @Property({ type: 'string', length: 120 })
  actorName!: string;

  @Property({ type: 'uuid', nullable: true })
  actorId?: string | null;

  @Field(() => Date)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  at: Date = new Date();
}
