import type { MikroORM } from '@mikro-orm/postgresql';
import type { OutboxDispatcher } from '../events/dispatcher.js';
import { parseApiKeyRevoked, type ApiKeyRevokedReason } from './api-key.events.js';
import { ApiKeyService, hashKey, parseAuthorization, type KeyCheck } from './api-key.service.js';

/** How long a key's check, once read, is trusted by the requests and sockets of this process. */
export const KEY_CHECK_TTL_MS = 1000;
/** Revocations remembered to catch checks read just before the event arrived. */
const REVOCATION_MEMORY_MS = 60_000;
/** Checks kept at most (a flood of distinct made-up keys must not grow memory without bound). */
const MAX_CHECKS = 10_000;

/** A check and when the read behind it started. */
export interface TimedCheck {
  check: KeyCheck;
  readAt: number;
}

type RevocationListener = (keyId: string, reason: ApiKeyRevokedReason) => void;

/**
 * The viewer behind a presented key, for every HTTP request and WebSocket of this process: a
 * key is read from the database at most once per KEY_CHECK_TTL_MS however many requests present
 * it (concurrent ones share the read), and stops working at once when it is revoked — on the
 * `api_key.revoked` event from any hub sharing the database, or on `revoked()` right after a
 * revocation committed here. Expiry is checked on every use.
 */
export class KeyChecks {
  /** By key hash, in insertion (= read) order. */
  private readonly checks = new Map<string, TimedCheck>();
  private readonly pending = new Map<string, Promise<TimedCheck>>();
  /** Key id → when this process learnt of its revocation (and why). */
  private readonly revocations = new Map<string, { at: number; reason: ApiKeyRevokedReason }>();
  private readonly listeners = new Set<RevocationListener>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly orm: MikroORM,
    dispatcher: OutboxDispatcher,
    private readonly now: () => number = Date.now,
  ) {
    this.unsubscribe = dispatcher.onEvent((event) => {
      const revoked = parseApiKeyRevoked(event);
      if (revoked) this.revoked(revoked.apiKeyId, revoked.reason);
    });
  }

  /** What an `Authorization` header (`Bearer <key>`) or WebSocket `authorization` parameter amounts to now. */
  async check(authorization: unknown): Promise<TimedCheck> {
    const plain = parseAuthorization(authorization);
    if (plain === null) return { check: { status: 'missing' }, readAt: this.now() };
    if (plain === '') return { check: { status: 'invalid' }, readAt: this.now() };
    const timed = await this.read(plain);
    const { check } = timed;
    if (check.status !== 'live') return timed;
    const revocation = this.revocationOf(check.viewer.id, timed.readAt);
    if (revocation) return { check: { status: revocation }, readAt: timed.readAt };
    if (check.expiresAt && check.expiresAt.getTime() <= this.now()) return { check: { status: 'expired' }, readAt: timed.readAt };
    return timed;
  }

  /** The reason the key stopped working if this process learnt it was revoked at or after `since`. */
  revocationOf(keyId: string, since: number): ApiKeyRevokedReason | null {
    const r = this.revocations.get(keyId);
    return r && r.at >= since ? r.reason : null;
  }

  /** Records a revocation: the key's cached checks go, and the listeners (open sockets) hear of it. */
  revoked(keyId: string, reason: ApiKeyRevokedReason): void {
    const at = this.now();
    this.revocations.delete(keyId);
    this.revocations.set(keyId, { at, reason });
    for (const [id, r] of this.revocations) {
      // Insertion order is time order: the first young one ends the sweep.
      if (at - r.at < REVOCATION_MEMORY_MS) break;
      this.revocations.delete(id);
    }
    for (const [hash, timed] of this.checks) {
      if (timed.check.status === 'live' && timed.check.viewer.id === keyId) this.checks.delete(hash);
    }
    for (const listener of this.listeners) listener(keyId, reason);
  }

  /** Calls `listener` on every revocation this process learns of; returns the unsubscribe. */
  onRevoked(listener: RevocationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): void {
    this.unsubscribe();
    this.listeners.clear();
  }

  private read(plain: string): Promise<TimedCheck> {
    const hash = hashKey(plain);
    const cached = this.checks.get(hash);
    if (cached && this.now() - cached.readAt < KEY_CHECK_TTL_MS) return Promise.resolve(cached);
    let pending = this.pending.get(hash);
    if (!pending) {
      const readAt = this.now();
      pending = new ApiKeyService(this.orm.em.fork())
        .check(plain)
        .then((check) => {
          const timed = { check, readAt };
          this.sweep(readAt);
          // Deleted first so that insertion order stays read order (the sweep relies on it).
          this.checks.delete(hash);
          this.checks.set(hash, timed);
          return timed;
        })
        .finally(() => this.pending.delete(hash));
      this.pending.set(hash, pending);
    }
    return pending;
  }

  private sweep(now: number): void {
    for (const [hash, timed] of this.checks) {
      if (now - timed.readAt < KEY_CHECK_TTL_MS && this.checks.size < MAX_CHECKS) break;
      this.checks.delete(hash);
    }
  }
}
