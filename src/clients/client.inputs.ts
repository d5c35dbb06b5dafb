import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { ClientKind, ClientStatus, CreditRating, Industry } from './client.enums.js';
import { SortDirection } from '../graphql/pagination.js';

@InputType({ description: 'A new client' })
export class CreateClientInput {
  @Field(() => String)
  name!: string;

  @Field(() => ClientKind)
  kind!: ClientKind;

  @Field(() => Industry)
  industry!: Industry;

  @Field(() => String, { description: '18 characters, GB 32100-2015; case and surrounding spaces do not matter' })
  unifiedSocialCreditCode!: string;

  @Field(() => CreditRating, { nullable: true })
  creditRating?: CreditRating | null;

  @Field(() => String, { nullable: true })
  relationshipManager?: string | null;

  @Field(() => String, { nullable: true })
  city?: string | null;

  @Field(() => ClientStatus, { nullable: true, description: 'PROSPECT (default), ACTIVE or WATCHLIST' })
  status?: ClientStatus | null;
}

@InputType({ description: 'Fields to change; an absent field is left alone, null clears an optional one' })
export class UpdateClientInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => ClientKind, { nullable: true, description: 'Only while the client has no supply-chain links' })
  kind?: ClientKind | null;

  @Field(() => Industry, { nullable: true })
  industry?: Industry | null;

  @Field(() => String, { nullable: true })
  unifiedSocialCreditCode?: string | null;

  @Field(() => CreditRating, { nullable: true })
  creditRating?: CreditRating | null;

  @Field(() => String, { nullable: true })
  relationshipManager?: string | null;

  @Field(() => String, { nullable: true })
  city?: string | null;

  @Field(() => ClientStatus, { nullable: true, description: 'Must be an allowed move from the current status' })
  status?: ClientStatus | null;
}

@InputType()
export class ChangeClientStatusInput {
  @Field(() => ID)
  id!: string;

  @Field(() => ClientStatus)
  status!: ClientStatus;

  @Field(() => String, { nullable: true, description: 'Why; kept with the change event' })
  reason?: string | null;
}

@InputType()
export class ChangeClientCreditRatingInput {
  @Field(() => ID)
  id!: string;

  @Field(() => CreditRating, { nullable: true, description: 'null: no external rating' })
  creditRating?: CreditRating | null;

  @Field(() => String, { nullable: true, description: 'Why (e.g. the agency report); kept with the change event' })
  reason?: string | null;
}

@InputType({ description: 'Every given criterion must hold; a list matches any of its values' })
export class ClientFilter {
  @Field(() => [ClientKind], { nullable: true })
  kinds?: ClientKind[] | null;

  @Field(() => [Industry], { nullable: true })
  industries?: Industry[] | null;

  @Field(() => [ClientStatus], { nullable: true })
  statuses?: ClientStatus[] | null;

  @Field(() => String, { nullable: true, description: 'Exact name of the relationship manager' })
  relationshipManager?: string | null;

  @Field(() => String, { nullable: true, description: 'Case-insensitive substring of the name or the credit code' })
  search?: string | null;
}

export enum ClientOrderField {
  NAME = 'NAME',
  CREATED_AT = 'CREATED_AT',
  UPDATED_AT = 'UPDATED_AT',
}
registerEnumType(ClientOrderField, { name: 'ClientOrderField' });


@InputType({ description: 'Sort order; ties are broken by id in the same direction' })
export class ClientOrder {
  @Field(() => ClientOrderField)
  field!: ClientOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC })
  direction!: SortDirection;
}
