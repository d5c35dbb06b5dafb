import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class AddContactInput {
  @Field(() => ID)
  clientId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: 'Position at the client, e.g. "CFO"' })
  title?: string | null;

  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => Boolean, { nullable: true, description: "The client's main contact; replaces the previous one" })
  primary?: boolean | null;
}
