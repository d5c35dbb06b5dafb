import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Client } from './client.entity.js';
import { SupplyChainRole } from './client.enums.js';

/** A core enterprise's supplier, distributor or logistics provider. */
@ObjectType()
@Entity({ tableName: 'supply_chain_link' })
@Unique({ name: 'supply_chain_link_uidx', properties: ['coreEnterprise', 'counterparty', 'role'] })
@Index({ name: 'supply_chain_link_counterparty_idx', properties: ['counterparty'] })
export class SupplyChainLink {
  /** Defaulted properties `em.create` need not be given. */
  [OptionalProps]?: 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Client, deleteRule: 'cascade' })
  coreEnterprise!: Client;

  @ManyToOne({ entity: () => Client, deleteRule: 'cascade' })
  counterparty!: Client;

  @Field(() => SupplyChainRole)
  @Enum({ items: () => SupplyChainRole, type: 'string' })
  role!: SupplyChainRole;

  @Field(() => Date)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
