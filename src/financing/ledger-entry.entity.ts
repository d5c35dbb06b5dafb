import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Client } from '../clients/client.entity.js';
import { DecimalScalar } from '../graphql/scalars.js';
import { LedgerEntryKind } from './financing.enums.js';
import { Financing } from './financing.entity.js';

/** A money movement of a client: a disbursement to it, a repayment or a fee from it. */
@ObjectType({ description: 'A disbursement, repayment or fee on a client ledger' })
@Entity({ tableName: 'ledger_entry' })
@Index({ name: 'ledger_entry_client_idx', properties: ['client', 'occurredAt'] })
export class LedgerEntry {
  [OptionalProps]?: 'recordedAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Client })
  client!: Client;

  @ManyToOne({ entity: () => Financing })
  financing!: Financing;

  @Field(() => LedgerEntryKind)
  @Enum({ items: () => LedgerEntryKind, type: 'string' })
  kind!: LedgerEntryKind;

  @Field(() => DecimalScalar, { description: 'Always positive; the kind says which way it went' })
  @Property({ type: 'decimal', precision: 20, scale: 2 })
  amount!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 3 })
  currency!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 200 })
  description!: string;

  @Field(() => Date)
  @Property({ type: 'datetime', length: 3 })
  occurredAt!: Date;

  @Field(() => Date)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  recordedAt: Date = new Date();
}
