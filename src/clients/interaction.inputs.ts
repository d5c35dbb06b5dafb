import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { ClientKind, InteractionKind } from './client.enums.js';

@InputType()
export class RecordInteractionInput {
  @Field(() => ID)
  clientId!: string;

  @Field(() => InteractionKind)
  kind!: InteractionKind;

  @Field(() => Date, { description: 'When it took place; not in the future' })
  occurredAt!: Date;

  @Field(() => String)
  summary!: string;

  @Field(() => Date, { nullable: true, description: 'When the desk promised to follow up; after occurredAt' })
  followUpDueAt?: Date | null;
}

export enum FollowUpKind {
  /** A follow-up date promised at an interaction. */
  EXPLICIT = 'EXPLICIT',
  /** A client not contacted for longer than its cadence allows. */
  CADENCE = 'CADENCE',
}
registerEnumType(FollowUpKind, {
  name: 'FollowUpKind',
  valuesConfig: {
    EXPLICIT: { description: 'A follow-up date promised at an interaction' },
    CADENCE: { description: 'Overdue for contact: core enterprises monthly, others quarterly' },
  },
});

@InputType()
export class FollowUpFilter {
  @Field(() => String, { nullable: true, description: 'Exact name of the relationship manager' })
  relationshipManager?: string | null;

  @Field(() => Date, { nullable: true, description: 'Due at or before this moment; default now' })
  dueBefore?: Date | null;

  @Field(() => ID, { nullable: true })
  clientId?: string | null;

  @Field(() => [FollowUpKind], { nullable: true, description: 'Default both' })
  kinds?: FollowUpKind[] | null;
}

/** Contact cadence: how many days may pass without contact before a client is due. */
export const CONTACT_CADENCE_DAYS: Record<ClientKind, number> = {
  CORE_ENTERPRISE: 30,
  SUPPLIER: 90,
  DISTRIBUTOR: 90,
  LOGISTICS_PROVIDER: 90,
};

@ObjectType({ description: 'Something the desk owes a client: a promised follow-up or an overdue contact' })
export class FollowUp {
  @Field(() => FollowUpKind)
  kind!: FollowUpKind;

  @Field(() => Date)
  dueAt!: Date;

  @Field(() => String, { description: 'Why it is due, in words' })
  reason!: string;

  clientId!: string;
  interactionId!: string | null;
  /** Sort key, for the cursor. */
  key!: [string, string, string];
}
