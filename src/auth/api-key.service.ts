import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiKey, Role } from './api-key.entity.js';
import type { Viewer } from './viewer.js';
import { badInput, notFound } from '../graphql/errors.js';

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

export function toViewer(key: ApiKey): Viewer {
  return { id: key.id, name: key.name, role: key.role, partnerCode: key.partnerCode ?? null };
}

export class ApiKeyService {
  constructor(private readonly em: EntityManager) {}

  /** The live key with this plain value, or null. */
  async authenticate(plain: string): Promise<Viewer | null> {
    const hash = hashKey(plain);
    const key = await this.em.findOne(ApiKey, { keyHash: hash, revokedAt: null });
    // The lookup is by hash; the comparison below is belt and braces against a lax index match.
    if (!key || !timingSafeEqual(Buffer.from(key.keyHash, 'hex'), Buffer.from(hash, 'hex'))) return null;
    return toViewer(key);
  }

  async create(
    input: { name: string; role: Role; partnerCode?: string | null },
    createdBy: Viewer | null,
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
    const key = generateKey();
    const apiKey = Object.assign(new ApiKey(), {
      name,
      role: input.role,
      partnerCode,
      keyHash: hashKey(key),
      prefix: key.slice(0, 10),
      createdById: createdBy?.id ?? null,
    });
    await this.em.persistAndFlush(apiKey);
    return { key, apiKey };
  }

  async revoke(id: string): Promise<ApiKey> {
    const key = await this.em.findOne(ApiKey, { id });
    if (!key) throw notFound('ApiKey', id);
    if (!key.revokedAt) {
      key.revokedAt = new Date();
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
      existing.partnerCode = null;
    } else {
      this.em.persist(
        Object.assign(new ApiKey(), { name: 'bootstrap admin', role: Role.ADMIN, keyHash: hash, prefix: plain.slice(0, 10) }),
      );
    }
    await this.em.flush();
  }
}
