import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from './client.entity.js';
import { ClientChange, recordClientChange } from './client.events.js';
import { idArg, optionalText, requiredText } from '../core/text.js';
import { Contact } from './contact.entity.js';
import type { AddContactInput } from './contact.inputs.js';
import { badInput, notFound } from '../core/errors.js';

const PHONE = /^\+?[0-9][0-9 ()-]{4,38}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class ContactService {
  constructor(private readonly em: EntityManager) {}

  async add(input: AddContactInput): Promise<Contact> {
    const clientId = idArg('input.clientId', input.clientId);
    const name = requiredText('input.name', input.name, 120);
    const title = optionalText('input.title', input.title, 120);
    const phone = optionalText('input.phone', input.phone, 40);
    if (phone && !PHONE.test(phone)) throw badInput('input.phone', 'must be digits, spaces, brackets or dashes, optionally after a leading +');
    const email = optionalText('input.email', input.email, 200);
    if (email && !EMAIL.test(email)) throw badInput('input.email', 'is not an e-mail address');
    const primary = input.primary ?? false;
    return this.em.transactional(async (tem) => {
      const client = await tem.findOne(Client, { id: clientId });
      if (!client) throw notFound('Client', clientId);
      // One primary contact per client: the new one takes over.
      if (primary) await tem.nativeUpdate(Contact, { client: clientId, primary: true }, { primary: false });
      const contact = tem.create(Contact, { client, name, title, phone, email, primary });
      recordClientChange(tem, { clientId, change: ClientChange.CONTACT_ADDED, subjectId: contact.id });
      return contact;
    });
  }

  async remove(id: string): Promise<Contact> {
    const contactId = idArg('id', id);
    return this.em.transactional(async (tem) => {
      const contact = await tem.findOne(Contact, { id: contactId });
      if (!contact) throw notFound('Contact', contactId);
      tem.remove(contact);
      recordClientChange(tem, { clientId: contact.client.id, change: ClientChange.CONTACT_REMOVED, subjectId: contact.id });
      return contact;
    });
  }
}
