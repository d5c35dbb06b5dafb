/**
 * Partner credentials and webhook secrets at rest: AES-256-GCM under `SECRETS_KEY`, each value
 * bound (as additional authenticated data) to its partner and field, so a ciphertext copied to
 * another row or column does not decrypt. Stored as `v1:<iv>:<tag>:<ciphertext>` (base64).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const VERSION = 'v1';

/** The hub has no key to encrypt with (PostgreSQL without `SECRETS_KEY`). */
export class SecretsUnavailableError extends Error {
  constructor() {
    super('SECRETS_KEY is not set: partner credentials and webhook secrets cannot be stored encrypted, so they are refused (set SECRETS_KEY to 32 random bytes in base64: openssl rand -base64 32)');
    this.name = 'SecretsUnavailableError';
  }
}

/** A stored value that does not decrypt under this key (another key, or tampered). */
export class SecretDecryptError extends Error {
  constructor(what: string) {
    super(`${what} does not decrypt with this SECRETS_KEY (stored under another key, or altered)`);
    this.name = 'SecretDecryptError';
  }
}

export class SecretBox {
  private constructor(private readonly key: Buffer | null) {}

  /** From a base64 32-byte key, or none (then `seal` refuses). */
  static fromKey(base64: string | null | undefined): SecretBox {
    if (!base64) return new SecretBox(null);
    const key = Buffer.from(base64, 'base64');
    if (key.length !== 32) throw new Error('SECRETS_KEY must be 32 bytes');
    return new SecretBox(key);
  }

  get available(): boolean {
    return this.key !== null;
  }

  /** A short fingerprint of the key (for logs: never the key). */
  get fingerprint(): string | null {
    return this.key ? createHash('sha256').update(this.key).digest('hex').slice(0, 8) : null;
  }

  seal(plain: string, aad: string): string {
    if (!this.key) throw new SecretsUnavailableError();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ct.toString('base64')].join(':');
  }

  open(sealed: string, aad: string, what: string): string {
    if (!this.key) throw new SecretsUnavailableError();
    const [version, iv, tag, ct] = sealed.split(':');
    if (version !== VERSION || iv === undefined || tag === undefined || ct === undefined) throw new SecretDecryptError(what);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretDecryptError(what);
    }
  }
}

/**
 * The key of an embedded hub without `SECRETS_KEY`: read from `<dataDir>/secrets.key`, or
 * generated there (mode 600) on first start, like `admin.key`. Losing the file loses the
 * partners' stored credentials (re-register them), never exposes them.
 */
export function embeddedSecretsKey(dataDir: string): string {
  const file = path.join(dataDir, 'secrets.key');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const key = randomBytes(32).toString('base64');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, key + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}
