import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { Client } from './client.entity.js';
import { afterWrite } from './client.resolver.js';
import { Contact } from './contact.entity.js';
import { AddContactInput } from './contact.inputs.js';
import { ContactService } from './contact.service.js';
import { CLIENT_WRITERS } from '../auth/viewer.js';
import type { Context } from '../graphql/context.js';
import type { Row } from '../db/rows.js';

@Resolver(() => Contact)
export class ContactResolver {
  @Authorized(...CLIENT_WRITERS)
  @Mutation(() => Contact)
  async addContact(@Arg('input', () => AddContactInput) input: AddContactInput, @Ctx() ctx: Context): Promise<Contact> {
    return afterWrite(ctx, await new ContactService(ctx.em).add(input));
  }

  @Authorized(...CLIENT_WRITERS)
  @Mutation(() => Contact, { description: 'Deletes a contact; returns it' })
  async removeContact(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Contact> {
    return afterWrite(ctx, await new ContactService(ctx.em).remove(id));
  }

  @FieldResolver(() => Client, { nullable: true })
  client(@Root() contact: Row<Contact>, @Ctx() ctx: Context): Promise<Client | null> {
    return ctx.loaders.clients.byId.load(contact.client.id);
  }
}

@Resolver(() => Client)
export class ClientContactsResolver {
  @FieldResolver(() => [Contact], { description: 'Primary contact first, then by name' })
  contacts(@Root() client: Row<Client>, @Ctx() ctx: Context): Promise<Row<Contact>[]> {
    return ctx.loaders.clients.contacts.load(client.id);
  }
}
