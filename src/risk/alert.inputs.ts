import { Field, ID, InputType } from 'type-graphql';
import { AlertKind, AlertStatus, Severity } from './alert.enums.js';

@InputType()
export class AlertFilter {
  @Field(() => ID, { nullable: true })
  clientId?: string | null;

  @Field(() => [AlertKind], { nullable: true })
  kinds?: AlertKind[] | null;

  @Field(() => [AlertStatus], { nullable: true, description: 'Default: every status' })
  statuses?: AlertStatus[] | null;

  @Field(() => Severity, { nullable: true, description: 'This severity and worse' })
  minSeverity?: Severity | null;

  @Field(() => String, { nullable: true, description: 'Assigned to this relationship manager' })
  assignedTo?: string | null;
}

@InputType()
export class AlertChangedFilter {
  @Field(() => ID, { nullable: true })
  clientId?: string | null;

  @Field(() => Severity, { nullable: true, description: 'Only alerts at this severity or worse (as of the change)' })
  minSeverity?: Severity | null;

  @Field(() => [AlertKind], { nullable: true })
  kinds?: AlertKind[] | null;
}
