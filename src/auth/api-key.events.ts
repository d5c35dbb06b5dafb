import type { EntityManager } from '@mikro-orm/postgresql';
import { defineTopic, isEvent, payloadOf, read } from '../events/catalogue.js';
import { appendEvent, type DomainEvent } from '../events/outbox.js';

/**
 * `revoked`: an ADMIN revoked the key. `expired`: the key reached its `expiresAt` (each hub
 * keeps a timer for the keys of its open sockets, so nothing needs to announce that today; the
 * reason exists so that a consumer can tell the two apart if one ever does).
 */
export type ApiKeyRevokedReason = 'revoked' | 'expired';

export interface ApiKeyRevokedPayload {
  apiKeyId: string;
  reason: ApiKeyRevokedReason;
}

declare module '../events/catalogue.js' {
  interface EventCatalogue {
    /** A key no longer works: every hub closes its sockets. Aggregate: the key. */
    'api_key.revoked': ApiKeyRevokedPayload;
  }
}

/** Topic of the event that tells every hub a key no longer works. */
export const API_KEY_REVOKED = defineTopic('api_key.revoked', (raw) => ({
  apiKeyId: read.str(raw, 'apiKeyId'),
  reason: read.oneOf(raw, 'reason', ['revoked', 'expired'] as const, 'revoked'),
}));

/**
 * Queues `api_key.revoked` in the caller's unit of work: it commits with the revocation, and
 * every hub's dispatcher then closes that key's sockets.
 */
export function recordApiKeyRevoked(em: EntityManager, payload: ApiKeyRevokedPayload): void {
  appendEvent(em, API_KEY_REVOKED, payload.apiKeyId, { ...payload });
}

/** The payload of an `api_key.revoked` event, or null when the event is something else or names no key. */
export function parseApiKeyRevoked(e: Pick<DomainEvent, 'topic' | 'payload'>): ApiKeyRevokedPayload | null {
  if (!isEvent(e, API_KEY_REVOKED)) return null;
  const p = payloadOf(e, API_KEY_REVOKED);
  return p.apiKeyId ? p : null;
}
