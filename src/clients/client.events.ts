import type { EntityManager } from '@mikro-orm/postgresql';
import { registerEnumType } from 'type-graphql';
import { appendEvent } from '../events/outbox.js';

/** The outbox topic of every change to a client or to what hangs off it. */
export const CLIENT_CHANGED = 'client.changed';

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

const CHANGES = new Set<string>(Object.values(ClientChange));

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

/**
 * Appends a `client.changed` event to the caller's unit of work. Call it with the transaction's
 * EntityManager so the event commits (or rolls back) with the change.
 */
export function recordClientChange(em: EntityManager, payload: ClientChangedPayload): void {
  const body: Record<string, unknown> = { clientId: payload.clientId, change: payload.change };
  if (payload.fields?.length) body.fields = payload.fields;
  if (payload.subjectId) body.subjectId = payload.subjectId;
  if (payload.reason) body.reason = payload.reason;
  appendEvent(em, CLIENT_CHANGED, payload.clientId, body);
}

/** Reads an outbox payload back; tolerant of events written by older code. */
export function parseClientChangedPayload(payload: Record<string, unknown>): {
  change: ClientChange;
  fields: string[];
  subjectId: string | null;
  reason: string | null;
} {
  const change = typeof payload.change === 'string' && CHANGES.has(payload.change) ? (payload.change as ClientChange) : ClientChange.UPDATED;
  const fields = Array.isArray(payload.fields) ? payload.fields.filter((f): f is string => typeof f === 'string') : [];
  const subjectId = typeof payload.subjectId === 'string' ? payload.subjectId : null;
  const reason = typeof payload.reason === 'string' ? payload.reason : null;
  return { change, fields, subjectId, reason };
}
