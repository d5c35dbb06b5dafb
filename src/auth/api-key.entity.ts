import { randomUUID } from 'node:crypto';
import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum Role {
  ADMIN = 'ADMIN',
  RELATIONSHIP_MANAGER = 'RELATIONSHIP_MANAGER',
  RISK_OFFICER = 'RISK_OFFICER',
  VIEWER = 'VIEWER',
  PARTNER = 'PARTNER',
}
registerEnumType(Role, { name: 'Role', description: 'What an API key may do' });

/** An API key. Only the SHA-256 of the key is stored; the plain key is shown once, at creation. */
@ObjectType({ description: 'An API key (the key itself is never returned after creation)' })
@Entity({ tableName: 'api_key' })
export class ApiKey {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => String)
  @Property({ type: 'string', length: 200 })
  name!: string;

  @Field(() => Role)
  @Enum({ items: () => Role, type: 'string' })
  role!: Role;

  @Field(() => String, { nullable: true, description: 'The logistics partner a PARTNER key is bound to' })
  @Property({ type: 'string', length: 64, nullable: true })
  partnerCode?: string | null;

  /** Hex SHA-256 of the key. Keys are 256-bit random, so a fast hash is enough (no dictionary to guard against). */
  @Property({ type: 'string', length: 64, unique: true })
  keyHash!: string;

  @Field(() => String, { description: 'First characters of the key, to tell keys apart' })
  @Property({ type: 'string', length: 16 })
  prefix!: string;

  @Field(() => Date)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  revokedAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the key stops working; null: it does not expire' })
  @Property({ type: 'datetime', nullable: true })
  expiresAt?: Date | null;

  @Property({ type: 'uuid', nullable: true })
  createdById?: string | null;
}
