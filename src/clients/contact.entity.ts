import { randomUUID } from 'node:crypto';
import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Client } from './client.entity.js';

@ObjectType({ description: 'A person at a client' })
@Entity({ tableName: 'contact' })
@Index({ name: 'contact_client_idx', properties: ['client'] })
export class Contact {
  /** Defaulted properties `em.create` need not be given. */
  [OptionalProps]?: 'primary' | 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Client, deleteRule: 'cascade' })
  client!: Client;

  @Field(() => String)
  @Property({ type: 'string', length: 120 })
  name!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 120, nullable: true })
  title?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 40, nullable: true })
  phone?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 200, nullable: true })
  email?: string | null;

  @Field(() => Boolean)
  @Property({ type: 'boolean', default: false })
  primary: boolean = false;

  @Field(() => Date)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
