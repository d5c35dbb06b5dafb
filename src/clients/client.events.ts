import type { EntityManager } from '@mikro-orm/postgresql';
import { registerEnumType } from 'type-graphql';
import { defineTopic, payloadOf, read } from '../events/catalogue.js';
import { appendEvent, type DomainEvent } from '../events/outbox.js';

/** What happened to a client; carried by `clientChanged` events. */
export enum ClientChange {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  STATUS_CHANGED = 'STATUS_CHANGED',
  CREDIT_RATING_CHANGED = 'CREDIT_RATING_CHANGED',
  LINKED = 'LINKED',
  UNLINKED = 'UNLINKED',
  CONTACT_ADDED = 'CONTACT_ADDED',
  CONTACT_REMOVED = 'CONTACT_REMOVED',
  INTERACTION_RECORDED = 'INTERACTION_RECORDED',
  FOLLOW_UP_COMPLETED = 'FOLLOW_UP_COMPLETED',
  FEEDBACK_SUBMITTED = 'FEEDBACK_SUBMITTED',
  COMPLAINT_STARTED = 'COMPLAINT_STARTED',
  COMPLAINT_RESOLVED = 'COMPLAINT_RESOLVED',
}
registerEnumType(ClientChange, { name: 'ClientChange', description: 'What a clientChanged event reports' });

export interface ClientChangedPayload {
  clientId: string;
  change: ClientChange;
  /** Client fields the change touched (UPDATED, STATUS_CHANGED, CREDIT_RATING_CHANGED). */
  fields?: string[];
  /** The id of the link, contact, interaction or feedback the change is about. */
  subjectId?: string;
  /** Free-text reason given with a status or rating change. */
  reason?: string;
}

declare module '../events/catalogue.js' {
  interface EventCatalogue {
    /** Every change to a client or to what hangs off it. Aggregate: the client. */
    'client.changed': ClientChangedPayload;
  }
}

const CHANGE_VALUES = Object.values(ClientChange);

/** The outbox topic of every change to a client or to what hangs off it. */
export const CLIENT_CHANGED = defineTopic('client.changed', (raw) => {
  const fields = read.strings(raw, 'fields');
  const subjectId = read.strOrNull(raw, 'subjectId');
  const reason = read.strOrNull(raw, 'reason');
  return {
    clientId: read.str(raw, 'clientId'),
    // Events written by older code without a change read as UPDATED.
    change: read.oneOf(raw, 'change', CHANGE_VALUES, ClientChange.UPDATED),
    ...(fields.length ? { fields } : {}),
    ...(subjectId ? { subjectId } : {}),
    ...(reason ? { reason } : {}),
  };
});

/**
 * Appends a `client.changed` event to the caller's unit of work. Call it with the transaction's
 * EntityManager so the event commits (or rolls back) with the change. Empty parts are left out.
 */
export function recordClientChange(em: EntityManager, payload: ClientChangedPayload): void {
  appendEvent(em, CLIENT_CHANGED, payload.clientId, {
    clientId: payload.clientId,
    change: payload.change,
    ...(payload.fields?.length ? { fields: payload.fields } : {}),
    ...(payload.subjectId ? { subjectId: payload.subjectId } : {}),
    ...(payload.reason ? { reason: payload.reason } : {}),
  });
}

/** A `client.changed` event's payload, with its optional parts filled in. */
export function parseClientChangedPayload(e: Pick<DomainEvent, 'topic' | 'payload'>): {
  change: ClientChange;
  fields: string[];
  subjectId: string | null;
  reason: string | null;
} {
  const p = payloadOf(e, CLIENT_CHANGED);
  return { change: p.change, fields: p.fields ?? [], subjectId: p.subjectId ?? null, reason: p.reason ?? null };
}
