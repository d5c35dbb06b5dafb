import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiKey, Role } from './api-key.entity.js';
import { recordApiKeyRevoked } from './api-key.events.js';
import type { Viewer } from './viewer.js';
import { badInput, notFound } from '../core/errors.js';

const KEY_PREFIX = 'scf_';

/** Hex SHA-256 of a key: what is stored and looked up. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new random key: `scf_` + 256 random bits, base64url. */
export function generateKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** Extracts the key from `Bearer <key>` (case-insensitive scheme); null when absent. */
export function parseAuthorization(header: unknown): string | null {
  if (typeof header !== 'string' || !header.trim()) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header.trim());
  return match ? match[1]! : '';
}

/** Keys may be given an expiry at most this many years ahead: anything later is a typo, not a policy. */
export const MAX_KEY_LIFETIME_YEARS = 5;

/**
 * What a presented key amounts to. `invalid` covers both an unknown and a malformed key, so that
 * the answer never tells which keys exist; `revoked` and `expired` are only ever said to someone
 * holding the whole (256-bit) key.
 */
export type KeyCheck =
  | { status: 'live'; viewer: Viewer; expiresAt: Date | null }
  | { status: 'missing' | 'invalid' | 'revoked' | 'expired' };

/** Whether a key row with these dates works at `now`. */
export function keyStatus(key: { revokedAt?: Date | null; expiresAt?: Date | null }, now = new Date()): 'live' | 'revoked' | 'expired' {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'live';
}

export function toViewer(key: ApiKey): Viewer {
  return { id: key.id, name: key.name, role: key.role, partnerCode: key.partnerCode ?? null };
}

export class ApiKeyService {
  constructor(private readonly em: EntityManager) {}

  /** What a plain key amounts to: live (with its viewer), revoked, expired, or invalid. */
  async check(plain: string): Promise<KeyCheck> {
    const hash = hashKey(plain);
    const key = await this.em.findOne(ApiKey, { keyHash: hash });
    // The lookup is by hash; the comparison below is belt and braces against a lax index match.
    if (!key || !timingSafeEqual(Buffer.from(key.keyHash, 'hex'), Buffer.from(hash, 'hex'))) return { status: 'invalid' };
    const status = keyStatus(key);
    if (status !== 'live') return { status };
    return { status, viewer: toViewer(key), expiresAt: key.expiresAt ?? null };
  }

  async create(
    input: { name: string; role: Role; partnerCode?: string | null; expiresAt?: Date | null },
    createdBy: Viewer | null,
    now = new Date(),
  ): Promise<{ key: string; apiKey: ApiKey }> {
    const name = input.name.trim();
    if (!name) throw badInput('input.name', 'must not be empty');
    if (name.length > 200) throw badInput('input.name', 'must be at most 200 characters');
    const partnerCode = input.partnerCode?.trim() || null;
    if (input.role === Role.PARTNER && !partnerCode) {
      throw badInput('input.partnerCode', 'is required for a PARTNER key');
    }
    if (input.role !== Role.PARTNER && partnerCode) {
      throw badInput('input.partnerCode', 'is only for PARTNER keys');
    }
    const expiresAt = input.expiresAt ?? null;
    if (expiresAt) {
      if (Number.isNaN(expiresAt.getTime())) throw badInput('input.expiresAt', 'is not a valid date-time');
      if (expiresAt.getTime() <= now.getTime()) throw badInput('input.expiresAt', 'must be in the future');
      const latest = new Date(now);
      latest.setUTCFullYear(latest.getUTCFullYear() + MAX_KEY_LIFETIME_YEARS);
      if (expiresAt.getTime() > latest.getTime()) {
        throw badInput('input.expiresAt', `must be at most ${MAX_KEY_LIFETIME_YEARS} years ahead (leave it out for a key that does not expire)`);
      }
    }
    const key = generateKey();
    const apiKey = Object.assign(new ApiKey(), {
      name,
      role: input.role,
      partnerCode,
      expiresAt,
      keyHash: hashKey(key),
      prefix: key.slice(0, 10),
      createdById: createdBy?.id ?? null,
    });
    await this.em.persistAndFlush(apiKey);
    return { key, apiKey };
  }

  /**
   * Revokes the key. The `api_key.revoked` event commits in the same transaction, so every hub
   * sharing the database closes the key's open sockets as soon as its dispatcher reads it.
   */
  async revoke(id: string): Promise<ApiKey> {
    const key = await this.em.findOne(ApiKey, { id });
    if (!key) throw notFound('ApiKey', id);
    if (!key.revokedAt) {
      key.revokedAt = new Date();
      recordApiKeyRevoked(this.em, { apiKeyId: key.id, reason: 'revoked' });
      await this.em.flush();
    }
    return key;
  }

  /** Makes sure an ADMIN key with exactly this value exists and is live (ADMIN_API_KEY bootstrap). */
  async ensureAdminKey(plain: string): Promise<void> {
    const hash = hashKey(plain);
    const existing = await this.em.findOne(ApiKey, { keyHash: hash });
    if (existing) {
      existing.role = Role.ADMIN;
      existing.revokedAt = null;
      // The bootstrap key lives as long as ADMIN_API_KEY names it.
      existing.expiresAt = null;
      existing.partnerCode = null;
    } else {
      this.em.persist(
        Object.assign(new ApiKey(), { name: 'bootstrap admin', role: Role.ADMIN, keyHash: hash, prefix: plain.slice(0, 10) }),
      );
    }
    await this.em.flush();
  }
}
