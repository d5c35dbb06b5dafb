import type { EntityManager } from '@mikro-orm/postgresql';
import { appendEvent } from '../events/outbox.js';

/** Topic of the event that tells every hub a key no longer works. */
export const API_KEY_REVOKED = 'api_key.revoked';

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

/**
 * Queues `api_key.revoked` in the caller's unit of work: it commits with the revocation, and
 * every hub's dispatcher then closes that key's sockets.
 */
export function recordApiKeyRevoked(em: EntityManager, payload: ApiKeyRevokedPayload): void {
  appendEvent(em, API_KEY_REVOKED, payload.apiKeyId, { ...payload });
}

/** The payload of an `api_key.revoked` event, or null when the event is something else or malformed. */
export function parseApiKeyRevoked(topic: string, payload: Record<string, unknown>): ApiKeyRevokedPayload | null {
  if (topic !== API_KEY_REVOKED) return null;
  const { apiKeyId, reason } = payload;
  if (typeof apiKeyId !== 'string') return null;
  return { apiKeyId, reason: reason === 'expired' ? 'expired' : 'revoked' };
}
