import { randomUUID } from 'node:crypto';
import { Check, Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { LocalDateResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { ClientKind, ClientStatus, CreditRating, Industry } from './client.enums.js';

@ObjectType({ description: 'An enterprise the desk works with' })
@Entity({ tableName: 'client' })
@Index({ name: 'client_kind_idx', properties: ['kind'] })
@Index({ name: 'client_status_idx', properties: ['status'] })
@Index({ name: 'client_rm_idx', properties: ['relationshipManager'] })
@Index({ name: 'client_created_idx', properties: ['createdAt', 'id'] })
@Index({ name: 'client_updated_idx', properties: ['updatedAt', 'id'] })
@Index({ name: 'client_name_idx', properties: ['name', 'id'] })
@Index({ name: 'client_next_review_idx', properties: ['nextReviewOn', 'id'] })
// The review schedule's contract (a scan of due reviews reads the column): ACTIVE and WATCHLIST
// clients have a next review date, the others none. Written as PostgreSQL prints it back, so
// that the migration check's diff recognises it (`in (…)` comes back as `= any (array[…])`).
@Check({
  name: 'client_next_review_chk',
  expression: `("status" = any (array['ACTIVE'::text, 'WATCHLIST'::text])) = ("next_review_on" is not null)`,
})
export class Client {
  /** Defaulted properties `em.create` need not be given. */
  [OptionalProps]?: 'status' | 'createdAt' | 'updatedAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => String)
  @Property({ type: 'string', length: 200 })
  name!: string;

  @Field(() => ClientKind)
  @Enum({ items: () => ClientKind, type: 'string' })
  kind!: ClientKind;

  @Field(() => Industry)
  @Enum({ items: () => Industry, type: 'string' })
  industry!: Industry;

  @Field(() => String, { description: 'The 18-character unified social credit code (GB 32100-2015)' })
  @Property({ type: 'string', length: 18, unique: 'client_uscc_uidx' })
  unifiedSocialCreditCode!: string;

  @Field(() => CreditRating, { nullable: true })
  @Enum({ items: () => CreditRating, type: 'string', nullable: true })
  creditRating?: CreditRating | null;

  @Field(() => ClientStatus)
  @Enum({ items: () => ClientStatus, type: 'string', default: ClientStatus.PROSPECT })
  status: ClientStatus = ClientStatus.PROSPECT;

  @Field(() => String, { nullable: true, description: 'Name of the relationship manager who owns the client' })
  @Property({ type: 'string', length: 120, nullable: true })
  relationshipManager?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 120, nullable: true })
  city?: string | null;

  @Field(() => LocalDateResolver, {
    name: 'nextReviewDate',
    nullable: true,
    description: 'Business date the next periodic risk review is due; set while ACTIVE (quarterly) or WATCHLIST (monthly), else null',
  })
  @Property({ type: 'date', nullable: true })
  nextReviewOn: string | null = null;

  @Field(() => Date, { nullable: true, description: 'When the desk last met, visited, called or wrote to the client' })
  @Property({ type: 'datetime', nullable: true })
  lastContactAt?: Date | null;

  // Millisecond precision (timestamptz(3)): these are keyset-pagination keys, and a JavaScript
  // Date read back from a microsecond column would no longer equal the stored value in a cursor.
  @Field(() => Date)
  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => Date)
  @Property({ type: 'datetime', length: 3, defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
