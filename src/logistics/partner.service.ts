import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { mapUniqueViolation } from '../clients/client.validation.js';
import { requiredText } from '../core/text.js';
import { addQueriesToScope, runInQueryScope } from '../db/query-scope.js';
import { badInput, conflict, DomainError } from '../core/errors.js';
import type { RegisterLogisticsPartnerInput, UpdateLogisticsPartnerInput } from './logistics.inputs.js';
import { LogisticsPartner, PULL_KINDS } from './partner.entity.js';
import { SecretDecryptError, SecretsUnavailableError, type SecretBox } from './secrets.js';
import { Shipment } from './shipment.entity.js';
import { PartnerKind, TERMINAL_STATUSES } from './tracking.js';

/** What a partner's credentials hold, by kind (API.md). */
export interface PartnerCredentials {
  apiKey?: string;
  /** DHL: the default `service` to ask for. */
  service?: string;
  customer?: string;
  key?: string;
}

const REQUIRED_CREDENTIALS: Readonly<Record<PartnerKind, readonly (keyof PartnerCredentials)[]>> = {
  DHL: ['apiKey'],
  KUAIDI100: ['customer', 'key'],
  AFTERSHIP: [],
  GENERIC: [],
};
const ALLOWED_CREDENTIALS: Readonly<Record<PartnerKind, readonly (keyof PartnerCredentials)[]>> = {
  DHL: ['apiKey', 'service'],
  KUAIDI100: ['customer', 'key'],
  AFTERSHIP: ['apiKey'],
  GENERIC: [],
};

export const DEFAULT_API_BASE_URLS: Readonly<Partial<Record<PartnerKind, string>>> = {
  DHL: 'https://api-eu.dhl.com',
  KUAIDI100: 'https://poll.kuaidi100.com',
};

/** DHL: at most about 10 fetches per shipment per day (PARTNERS.md). */
export const DEFAULT_POLL_INTERVAL_SECONDS: Readonly<Record<PartnerKind, number>> = {
  DHL: 9000,
  KUAIDI100: 1800,
  AFTERSHIP: 3600,
  GENERIC: 3600,
};

const CODE_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** The additional authenticated data that binds a sealed value to its partner and field. */
const aad = (code: string, field: 'credentials' | 'webhookSecret' | 'previousWebhookSecret') => `logistics_partner:${code}:${field}`;

/** How long a rotated-out webhook secret stays valid by default, and at most. */
export const DEFAULT_PREVIOUS_SECRET_VALID_SECONDS = 86_400;
export const MAX_PREVIOUS_SECRET_VALID_SECONDS = 7 * 86_400;

function webhookSecretArg(value: string | null | undefined): string | null {
  const secret = value ?? null;
  if (secret !== null && (secret.length < 8 || secret.length > 500)) throw badInput('input.webhookSecret', 'must be 8 to 500 characters');
  return secret;
}

function pollIntervalArg(interval: number): number {
  if (!Number.isInteger(interval) || interval < 5 || interval > 7 * 86_400) throw badInput('input.pollIntervalSeconds', 'must be between 5 and 604800');
  return interval;
}

function credentialsArg(kind: PartnerKind, value: Record<string, unknown> | null | undefined): PartnerCredentials | null {
  if (value === null || value === undefined) {
    if (REQUIRED_CREDENTIALS[kind].length) throw badInput('input.credentials', `${kind} needs { ${REQUIRED_CREDENTIALS[kind].join(', ')} }`);
    return null;
  }
  const out: PartnerCredentials = {};
  for (const [k, v] of Object.entries(value)) {
    if (!(ALLOWED_CREDENTIALS[kind] as readonly string[]).includes(k)) {
      throw badInput(`input.credentials.${k}`, `is not a ${kind} credential (expected ${ALLOWED_CREDENTIALS[kind].join(', ') || 'none'})`);
    }
    if (typeof v !== 'string' || !v.trim() || v.length > 500) throw badInput(`input.credentials.${k}`, 'must be a non-empty string of at most 500 characters');
    out[k as keyof PartnerCredentials] = v.trim();
  }
  for (const k of REQUIRED_CREDENTIALS[kind]) if (!out[k]) throw badInput(`input.credentials.${k}`, `is required for ${kind}`);
  return Object.keys(out).length ? out : null;
}

function urlArg(field: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw badInput(field, 'must be an http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badInput(field, 'must be an http(s) URL');
  if (url.username || url.password) throw badInput(field, 'must not carry credentials (use `credentials`)');
  return url.toString().replace(/\/+$/, '');
}

/** The sealed columns for a partner's credentials and webhook secret. */
export function sealPartnerSecrets(secrets: SecretBox, code: string, credentials: PartnerCredentials | null, webhookSecret: string | null) {
  return {
    credentialsSealed: credentials ? secrets.seal(JSON.stringify(credentials), aad(code, 'credentials')) : null,
    webhookSecretSealed: webhookSecret ? secrets.seal(webhookSecret, aad(code, 'webhookSecret')) : null,
  };
}

/** A partner as the webhook needs it: identity, kind, pause, sealed webhook secrets. */
export type PushPartner = Pick<
  LogisticsPartner,
  'id' | 'code' | 'kind' | 'active' | 'webhookSecretSealed' | 'previousWebhookSecretSealed' | 'previousSecretExpiresAt'
>;

interface PushPartnerRow {
  id: string;
  code: string;
  kind: PartnerKind;
  active: boolean;
  webhook_secret_sealed: string | null;
  previous_webhook_secret_sealed: string | null;
  previous_secret_expires_at: Date | string | null;
}

/**
 * Webhook secrets already opened, by box and by sealed value: every push opened its partner's
 * secret again (AES-GCM, about 2 % of a push's CPU). Keyed by the sealed value, so a rotation
 * (a new sealed value) is never served the old secret; only successful opens are kept.
 */
const openedSecrets = new WeakMap<SecretBox, Map<string, string>>();
const MAX_OPENED_SECRETS = 256;

function openRemembered(secrets: SecretBox, sealed: string, aadText: string, what: string): string {
  let opened = openedSecrets.get(secrets);
  if (!opened) openedSecrets.set(secrets, (opened = new Map()));
  const key = `${aadText}\n${sealed}`;
  const hit = opened.get(key);
  if (hit !== undefined) return hit;
  const plain = secrets.open(sealed, aadText, what);
  if (opened.size >= MAX_OPENED_SECRETS) opened.clear();
  opened.set(key, plain);
  return plain;
}

/** A partner's webhook secret, opened (no database: the sealed column travels with the partner). */
export function openWebhookSecret(secrets: SecretBox, partner: Pick<LogisticsPartner, 'code' | 'webhookSecretSealed'>): string | null {
  if (!partner.webhookSecretSealed) return null;
  return openRemembered(secrets, partner.webhookSecretSealed, aad(partner.code, 'webhookSecret'), `webhook secret of partner ${partner.code}`);
}

/** The replaced webhook secret while it is still valid at `at`, opened; past its expiry it is never opened. */
export function openPreviousWebhookSecret(
  secrets: SecretBox,
  partner: Pick<LogisticsPartner, 'code' | 'previousWebhookSecretSealed' | 'previousSecretExpiresAt'>,
  at: Date,
): string | null {
  if (!partner.previousWebhookSecretSealed || !partner.previousSecretExpiresAt || partner.previousSecretExpiresAt.getTime() <= at.getTime()) return null;
  return openRemembered(secrets, partner.previousWebhookSecretSealed, aad(partner.code, 'previousWebhookSecret'), `previous webhook secret of partner ${partner.code}`);
}

const PUSH_PARTNER_SELECT = `select id, code, kind, active, webhook_secret_sealed, previous_webhook_secret_sealed, previous_secret_expires_at from logistics_partner`;

function toPushPartner(row: PushPartnerRow): PushPartner {
  return {
    id: row.id,
    code: row.code,
    kind: row.kind,
    active: row.active,
    webhookSecretSealed: row.webhook_secret_sealed,
    previousWebhookSecretSealed: row.previous_webhook_secret_sealed,
    previousSecretExpiresAt: row.previous_secret_expires_at === null ? null : new Date(row.previous_secret_expires_at),
  };
}

interface PartnerWaiter {
  resolve: (r: { partner: PushPartner | null; statements: number }) => void;
  reject: (err: unknown) => void;
}

/**
 * The partner reads of concurrent pushes, coalesced into one statement. Nothing is cached: a
 * push waits for a read that STARTS after it arrived (the next turn of the event loop, or the
 * end of the read in flight), so a rotated secret or a pause committed before a push arrived is
 * always seen by it, as with a read of its own.
 */
export class PushPartnerReader {
  private waiting = new Map<string, PartnerWaiter[]>();
  private reading = false;
  private scheduled = false;

  constructor(private readonly orm: MikroORM) {}

  find(code: string): Promise<PushPartner | null> {
    return new Promise<{ partner: PushPartner | null; statements: number }>((resolve, reject) => {
      const list = this.waiting.get(code);
      if (list) list.push({ resolve, reject });
      else this.waiting.set(code, [{ resolve, reject }]);
      this.schedule();
    }).then(({ partner, statements }) => {
      // In the caller's (the request's) scope: its share of the read, for the request log.
      addQueriesToScope(statements);
      return partner;
    });
  }

  private schedule(): void {
    if (this.scheduled || this.reading || !this.waiting.size) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void runInQueryScope(() => this.read());
    });
  }

  private async read(): Promise<void> {
    const batch = this.waiting;
    this.waiting = new Map();
    this.reading = true;
    try {
      const found = await this.orm.em.getConnection().execute<PushPartnerRow[]>(`${PUSH_PARTNER_SELECT} where code in (?)`, [[...batch.keys()]], 'all');
      const byCode = new Map(found.map((r) => [r.code, r]));
      let readers = 0;
      for (const waiters of batch.values()) readers += waiters.length;
      for (const [code, waiters] of batch) {
        const row = byCode.get(code);
        for (const w of waiters) w.resolve({ partner: row ? toPushPartner(row) : null, statements: 1 / readers });
      }
    } catch (err) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(err);
    } finally {
      this.reading = false;
      this.schedule();
    }
  }
}

export class PartnerService {
  constructor(
    private readonly em: EntityManager,
    private readonly secrets: SecretBox,
  ) {}

  async register(input: RegisterLogisticsPartnerInput): Promise<LogisticsPartner> {
    const code = input.code.trim();
    if (!CODE_RE.test(code)) throw badInput('input.code', 'must be 1–64 letters, digits, "-" or "_", starting with a letter or digit');
    const name = requiredText('input.name', input.name, 200);
    const credentials = credentialsArg(input.kind, input.credentials);
    const secret = webhookSecretArg(input.webhookSecret);
    const defaultUrl = DEFAULT_API_BASE_URLS[input.kind];
    const apiBaseUrl = input.apiBaseUrl ? urlArg('input.apiBaseUrl', input.apiBaseUrl) : (defaultUrl ?? null);
    const interval = pollIntervalArg(input.pollIntervalSeconds ?? DEFAULT_POLL_INTERVAL_SECONDS[input.kind]);
    if ((credentials || secret) && !this.secrets.available) {
      // Never store plaintext: a hub on PostgreSQL without SECRETS_KEY refuses.
      throw new DomainError('BAD_USER_INPUT', new SecretsUnavailableError().message, credentials ? 'input.credentials' : 'input.webhookSecret');
    }
    return mapUniqueViolation(
      () =>
        this.em.transactional(async (tem) => {
          if (await tem.count(LogisticsPartner, { code })) throw conflict(`a partner with code ${code} exists`, 'input.code');
          const partner = tem.create(LogisticsPartner, {
            code,
            kind: input.kind,
            name,
            apiBaseUrl,
            pollIntervalSeconds: interval,
            ...sealPartnerSecrets(this.secrets, code, credentials, secret),
          });
          return partner;
        }),
      'logistics_partner_code_uidx',
      () => conflict(`a partner with code ${code} exists`, 'input.code'),
    );
  }

  /**
   * Changes only the fields given (null or absent: unchanged). Secrets are replaced, never
   * cleared: an empty `credentials` object or a short `webhookSecret` is refused, so a client
   * that sends "" for "unset" cannot wipe one; to stop a partner's pushes, pause it
   * (`active: false`). A new `webhookSecret` keeps the one it replaces valid for
   * `previousSecretValidForSeconds` (default 24 h, at most 7 days, 0: refused at once); only
   * one previous secret is kept, so rotating again drops the older one.
   */
  async update(input: UpdateLogisticsPartnerInput, now = new Date()): Promise<LogisticsPartner> {
    const code = typeof input.code === 'string' ? input.code.trim() : '';
    if (!CODE_RE.test(code)) throw badInput('input.code', 'must be 1–64 letters, digits, "-" or "_", starting with a letter or digit');
    const name = input.name == null ? undefined : requiredText('input.name', input.name, 200);
    const apiBaseUrl = input.apiBaseUrl == null ? undefined : urlArg('input.apiBaseUrl', input.apiBaseUrl);
    const interval = input.pollIntervalSeconds == null ? undefined : pollIntervalArg(input.pollIntervalSeconds);
    const secret = webhookSecretArg(input.webhookSecret);
    const grace = input.previousSecretValidForSeconds;
    if (grace != null) {
      if (secret === null) throw badInput('input.previousSecretValidForSeconds', 'applies only with a new input.webhookSecret');
      if (!Number.isInteger(grace) || grace < 0 || grace > MAX_PREVIOUS_SECRET_VALID_SECONDS) {
        throw badInput('input.previousSecretValidForSeconds', `must be between 0 and ${MAX_PREVIOUS_SECRET_VALID_SECONDS} (7 days)`);
      }
    }
    if (input.credentials != null && !Object.keys(input.credentials).length) {
      throw badInput('input.credentials', 'must hold at least one credential: credentials are replaced, never cleared (leave it out to keep them)');
    }
    if ((input.credentials != null || secret !== null) && !this.secrets.available) {
      throw new DomainError('BAD_USER_INPUT', new SecretsUnavailableError().message, input.credentials != null ? 'input.credentials' : 'input.webhookSecret');
    }
    return this.em.transactional(async (tem) => {
      // Locked: two rotations at once would otherwise both keep the same "previous" secret.
      const partner = await tem.findOne(LogisticsPartner, { code }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      if (!partner) throw new DomainError('NOT_FOUND', `LogisticsPartner ${code} not found`, 'input.code', { partnerCode: code });
      if (name !== undefined) partner.name = name;
      if (apiBaseUrl !== undefined) partner.apiBaseUrl = apiBaseUrl;
      if (interval !== undefined) partner.pollIntervalSeconds = interval;
      if (input.credentials != null) {
        // Validated against the partner's kind, which is why it waits for the row.
        partner.credentialsSealed = sealPartnerSecrets(this.secrets, code, credentialsArg(partner.kind, input.credentials), null).credentialsSealed;
      }
      if (secret !== null) {
        let current: string | null = null;
        try {
          current = openWebhookSecret(this.secrets, partner);
        } catch (err) {
          // A secret that no longer decrypts cannot be honoured in a grace window: it is dropped.
          if (!(err instanceof SecretDecryptError)) throw err;
        }
        if (current === secret) throw badInput('input.webhookSecret', 'is the current secret: a rotation needs a new one');
        const seconds = grace ?? DEFAULT_PREVIOUS_SECRET_VALID_SECONDS;
        const keep = current !== null && seconds > 0;
        partner.previousWebhookSecretSealed = keep ? this.secrets.seal(current!, aad(code, 'previousWebhookSecret')) : null;
        partner.previousSecretExpiresAt = keep ? new Date(now.getTime() + seconds * 1000) : null;
        partner.previousSecretLastUsedAt = null;
        partner.webhookSecretSealed = this.secrets.seal(secret, aad(code, 'webhookSecret'));
        partner.secretRotatedAt = now;
      }
      const resuming = input.active === true && !partner.active;
      if (input.active != null) partner.active = input.active;
      await tem.flush();
      if (resuming && PULL_KINDS.has(partner.kind)) {
        // Shipments registered or refreshed while paused were left unscheduled: poll them now.
        await tem.nativeUpdate(
          Shipment,
          { partner: partner.id, nextPollAt: null, trackingStoppedAt: null, status: { $nin: [...TERMINAL_STATUSES] } },
          { nextPollAt: now },
        );
      }
      return partner;
    });
  }

  /** The partner's decrypted credentials (for its client), or null when none are stored. */
  credentialsOf(partner: Pick<LogisticsPartner, 'code' | 'credentialsSealed'>): PartnerCredentials | null {
    if (!partner.credentialsSealed) return null;
    return JSON.parse(this.secrets.open(partner.credentialsSealed, aad(partner.code, 'credentials'), `credentials of partner ${partner.code}`)) as PartnerCredentials;
  }

  /** Loads a partner fresh from the database (its sealed columns included). */
  findWithSecrets(where: { code: string } | { id: string }): Promise<LogisticsPartner | null> {
    return this.em.findOne(LogisticsPartner, where, { refresh: true });
  }
}

export const isPullPartner = (p: Pick<LogisticsPartner, 'kind'>) => PULL_KINDS.has(p.kind);
