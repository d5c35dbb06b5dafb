/**
 * Partner pushes (`POST /webhooks/:partnerCode`): verification first over the raw bytes,
 * failing closed; mapping; then the inbox row and the shipment change in one transaction, so
 * that a push is acknowledged only once it is committed. Every push of a known partner leaves
 * an inbox row: refused ones without their (unauthenticated) body, verified ones with it, so a
 * push that failed to map can be re-processed after a fix.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { conflict, notFound } from '../core/errors.js';
import { idArg } from '../core/text.js';
import type { Metrics } from '../core/metrics.js';
import { ingestTrackingUpdate, normaliseTrackingNumber } from './ingest.service.js';
import { LogisticsPartner, PUSH_KINDS } from './partner.entity.js';
import { openPreviousWebhookSecret, openWebhookSecret } from './partner.service.js';
import type { LogisticsRuntime } from './runtime.js';
import { mapAfterShipWebhook } from './partners/aftership/aftership.mapper.js';
import { verifyAfterShipWebhook } from './partners/aftership/aftership.signature.js';
import { PartnerPayloadError } from './partners/common/payload.js';
import { header, type RequestHeaders, type Verification } from './partners/common/signature.js';
import { mapGenericPush } from './partners/generic/generic.mapper.js';
import { verifyGenericPush } from './partners/generic/generic.signature.js';
import { mapKuaidi100Push } from './partners/kuaidi100/kuaidi100.mapper.js';
import { KUAIDI100_PUSH_ACK, kuaidi100PushNack, verifyKuaidi100Push } from './partners/kuaidi100/kuaidi100.signature.js';
import { SecretDecryptError, type SecretBox } from './secrets.js';
import { PartnerKind, TrackingSource, type TrackingUpdate } from './tracking.js';
import { WebhookInbox, WebhookOutcome } from './webhook-inbox.entity.js';

export interface WebhookAnswer {
  status: number;
  body: unknown;
}

/** Headers kept with a push: enough for support, never a signature. */
const KEPT_HEADERS = ['content-type', 'content-length', 'user-agent', 'x-request-id', 'x-scf-timestamp'];

function keptHeaders(headers: RequestHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const v = header(headers, name);
    if (v !== undefined) out[name] = v.slice(0, 200);
  }
  return out;
}

function verify(kind: PartnerKind, raw: Buffer, headers: RequestHeaders, secret: string | null): Verification<unknown> {
  switch (kind) {
    case PartnerKind.KUAIDI100:
      return verifyKuaidi100Push(raw, secret);
    case PartnerKind.AFTERSHIP:
      return verifyAfterShipWebhook(raw, headers, secret);
    case PartnerKind.GENERIC:
      return verifyGenericPush(raw, headers, secret);
    case PartnerKind.DHL:
      return { ok: false, reason: 'no-secret' };
  }
}

/** Maps a verified push's raw bytes. Throws `PartnerPayloadError` when it cannot be read. */
export function mapPush(partner: Pick<LogisticsPartner, 'kind' | 'code'>, raw: Buffer, receivedAt: Date): TrackingUpdate {
  const ctx = { partner: partner.code, source: TrackingSource.PUSH, receivedAt };
  const json = (): unknown => {
    try {
      return JSON.parse(raw.toString('utf8')) as unknown;
    } catch (err) {
      throw new PartnerPayloadError(partner.kind, `not valid JSON (${err instanceof Error ? err.message : 'parse error'})`, 'body');
    }
  };
  switch (partner.kind) {
    case PartnerKind.KUAIDI100: {
      const param = new URLSearchParams(raw.toString('utf8')).get('param');
      if (param === null) throw new PartnerPayloadError(partner.kind, 'missing', 'param');
      return mapKuaidi100Push(param, ctx);
    }
    case PartnerKind.AFTERSHIP:
      return mapAfterShipWebhook(json(), ctx);
    case PartnerKind.GENERIC:
      return mapGenericPush(json(), ctx);
    case PartnerKind.DHL:
      throw new PartnerPayloadError(partner.kind, 'DHL pushes are not supported');
  }
}

export class WebhookService {
  private forkedEm?: EntityManager;
  private childLog?: Logger;

  /**
   * `em` and `log` may be given as functions, called on first use: a push that goes through
   * `shared` needs neither unless something goes wrong, and forking an entity manager and a
   * child logger per request was a measurable part of a push's CPU.
   */
  constructor(
    private readonly emSource: EntityManager | (() => EntityManager),
    private readonly secrets: SecretBox,
    private readonly logSource: Logger | (() => Logger),
    private readonly metrics: Metrics,
    /** The group commit and the coalesced partner reads of this hub's pushes. */
    private readonly shared: Pick<LogisticsRuntime, 'pushes' | 'pushPartners'>,
  ) {}

  private get em(): EntityManager {
    return (this.forkedEm ??= typeof this.emSource === 'function' ? this.emSource() : this.emSource);
  }

  private get log(): Logger {
    return (this.childLog ??= typeof this.logSource === 'function' ? this.logSource() : this.logSource);
  }

  private answer(kind: PartnerKind | null, status: number, ok: Record<string, unknown>, error?: string): WebhookAnswer {
    if (kind === PartnerKind.KUAIDI100) return { status, body: error === undefined ? KUAIDI100_PUSH_ACK : kuaidi100PushNack(error) };
    return { status, body: error === undefined ? ok : { error } };
  }

  private refuse(code: string, reason: string): void {
    this.metrics.webhookRefusals.inc({ partner: code, reason });
    this.metrics.webhooks.inc({ partner: code, outcome: 'refused' });
  }

  /** A partner secret, or null when it does not decrypt (logged: which partner, never the value). */
  private opened(code: string, open: () => string | null): string | null {
    try {
      return open();
    } catch (err) {
      if (!(err instanceof SecretDecryptError)) throw err;
      this.log.error({ partner: code }, err.message);
      return null;
    }
  }

  async receive(partnerCode: string, raw: Buffer, headers: RequestHeaders): Promise<WebhookAnswer> {
    const receivedAt = new Date();
    const partner = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(partnerCode)
      ? await this.shared.pushPartners.find(partnerCode)
      : null;
    const noSuchPartner = { status: 404, body: { error: `no partner ${partnerCode.slice(0, 64)} takes pushes here` } };
    if (!partner || !PUSH_KINDS.has(partner.kind)) {
      // Nothing is written for an unknown partner: a stranger must not be able to fill our tables.
      this.refuse('unknown', 'unknown-partner');
      return noSuchPartner;
    }
    if (!partner.active) {
      // Paused: answered exactly as an unknown code (404, same body) so that a caller cannot tell
      // a paused partner from a free code; the partners retry non-acknowledged pushes (Kuaidi100
      // resends full histories) so a short pause loses nothing. Counted under its own code.
      this.refuse(partner.code, 'paused');
      return noSuchPartner;
    }
    const kind = partner.kind;
    const kept = keptHeaders(headers);

    let verdict = verify(kind, raw, headers, this.opened(partner.code, () => openWebhookSecret(this.secrets, partner)));
    if (!verdict.ok && (verdict.reason === 'bad-signature' || verdict.reason === 'no-secret')) {
      // Within a rotation's grace window the replaced secret is tried too; past it, it is not opened.
      const previous = this.opened(partner.code, () => openPreviousWebhookSecret(this.secrets, partner, receivedAt));
      const second = previous === null ? null : verify(kind, raw, headers, previous);
      if (second?.ok) {
        verdict = second;
        // Tells the operator the partner still signs with the old secret (never which secret).
        this.metrics.webhookPreviousSecret.inc({ partner: partner.code });
        this.log.info({ partner: partner.code, previousSecretExpiresAt: partner.previousSecretExpiresAt }, 'webhook verified by the previous secret');
        // Raw SQL: the ORM would move `updated_at`, which makes the pull client be rebuilt.
        await this.em.getConnection().execute('update logistics_partner set previous_secret_last_used_at = ? where id = ?', [receivedAt, partner.id], 'run');
      }
    }
    if (!verdict.ok) {
      // Nothing is written for a push we cannot authenticate: anyone who knows a partner code
      // could otherwise fill the inbox. The refusal is counted and logged, never its signature.
      this.refuse(partner.code, verdict.reason);
      this.log.warn({ partner: partner.code, reason: verdict.reason }, 'webhook refused');
      // `malformed` here: the body is not in the shape that carries the signature (Kuaidi100 without `param`).
      return this.answer(kind, verdict.reason === 'malformed' ? 400 : 401, {}, verdict.reason === 'malformed' ? 'malformed: no param form field' : `unauthorized: ${verdict.reason}`);
    }

    let update: TrackingUpdate;
    try {
      update = mapPush(partner, raw, receivedAt);
    } catch (err) {
      if (!(err instanceof PartnerPayloadError)) throw err;
      this.refuse(partner.code, 'malformed');
      await this.inbox({ partnerCode: partner.code, headers: kept, body: raw, outcome: WebhookOutcome.FAILED, reason: err.message.slice(0, 1000), receivedAt });
      return this.answer(kind, 400, {}, `malformed: ${err.message}`);
    }

    try {
      // One transaction: the events, the shipment, the inbox row and the outbox event commit
      // together (with those of concurrent pushes, through the batcher), and the partner hears
      // 200 only once they have.
      const inboxRow = { partnerCode: partner.code, headers: kept, body: raw, receivedAt };
      const result = await this.shared.pushes.apply({ partner, update, inbox: inboxRow, now: receivedAt });
      const outcome = result.shipmentId ? 'processed' : 'unmatched';
      this.metrics.webhooks.inc({ partner: partner.code, outcome });
      // Unmatched pushes are acknowledged too: the partner would only retry the same bytes.
      return this.answer(kind, 200, { status: outcome, newEvents: result.newEvents, duplicates: result.duplicates });
    } catch (err) {
      this.log.error({ err, partner: partner.code }, 'push could not be applied');
      this.metrics.webhooks.inc({ partner: partner.code, outcome: 'failed' });
      await this.inbox({ partnerCode: partner.code, headers: kept, body: raw, outcome: WebhookOutcome.FAILED, reason: 'could not be applied (server error); the partner will retry', receivedAt }).catch(
        () => undefined,
      );
      return this.answer(kind, 500, {}, 'temporarily unable to apply the push; retry later');
    }
  }

  private async inbox(row: { partnerCode: string; headers: Record<string, string>; body?: Buffer; outcome: WebhookOutcome; reason: string; receivedAt: Date }): Promise<void> {
    await this.em.transactional(async (tem) => {
      tem.create(WebhookInbox, { ...row, body: row.body ?? null, attempts: 1 });
    });
  }

  /** Maps and applies a kept push again (after a mapper fix, or once its shipment is registered). */
  async reprocess(id: string): Promise<WebhookInbox> {
    const inboxId = idArg('id', id);
    const row = await this.em.findOne(WebhookInbox, { id: inboxId }, { populate: ['body'], refresh: true });
    if (!row) throw notFound('WebhookInbox', id);
    if (!row.body) throw conflict('a refused push keeps no body (it was never verified): ask the partner to send it again', 'id', { outcome: row.outcome });
    const partner = await this.em.findOne(LogisticsPartner, { code: row.partnerCode });
    if (!partner) throw notFound('LogisticsPartner', row.partnerCode);
    const body = row.body;
    return this.em.transactional(async (tem) => {
      const locked = await tem.findOneOrFail(WebhookInbox, { id: inboxId }, { refresh: true });
      await applyKeptPush(tem, partner, locked, body);
      return locked;
    });
  }
}

/**
 * Maps and applies a kept (verified) push in the caller's transaction, and records the outcome
 * on its inbox row: PROCESSED, UNMATCHED (still no such shipment) or FAILED (unreadable).
 */
export async function applyKeptPush(tem: EntityManager, partner: LogisticsPartner, row: WebhookInbox, body: Buffer): Promise<void> {
  row.attempts += 1;
  row.processedAt = new Date();
  let update: TrackingUpdate;
  try {
    update = mapPush(partner, body, row.receivedAt);
  } catch (err) {
    if (!(err instanceof PartnerPayloadError)) throw err;
    row.outcome = WebhookOutcome.FAILED;
    row.reason = err.message.slice(0, 1000);
    return;
  }
  const r = await ingestTrackingUpdate(tem, partner, update, TrackingSource.PUSH);
  row.trackingNumber = normaliseTrackingNumber(update.trackingNumber).slice(0, 64);
  row.shipmentId = r.shipment?.id ?? null;
  row.outcome = r.shipment ? WebhookOutcome.PROCESSED : WebhookOutcome.UNMATCHED;
  row.reason = r.shipment ? null : `no shipment ${row.trackingNumber} registered for ${partner.code}`;
}
