import type { EntityManager, QueryBuilder } from '@mikro-orm/postgresql';
import { Client } from '../clients/client.entity.js';
import { mapUniqueViolation } from '../clients/client.validation.js';
import { idArg, optionalText } from '../core/text.js';
import { Financing } from '../financing/financing.entity.js';
import { badInput, conflict, forbidden, notFound } from '../core/errors.js';
import { decodeTimeIdCursor, encodeCursor, pageSize } from '../core/cursor.js';
import { ingestTrackingUpdate, normaliseTrackingNumber, type IngestResult } from './ingest.service.js';
import type { PushTrackingEventsInput, RegisterShipmentInput, ShipmentFilter } from './logistics.inputs.js';
import { LogisticsPartner, PULL_KINDS } from './partner.entity.js';
import { PartnerPayloadError } from './partners/common/payload.js';
import { mapGenericPush, type GenericPushBody } from './partners/generic/generic.mapper.js';
import { Shipment } from './shipment.entity.js';
import { readQueryRows, readRows, type Row } from '../db/rows.js';
import { PartnerKind, TERMINAL_STATUSES, TrackingSource } from './tracking.js';
import { WebhookInbox, WebhookOutcome } from './webhook-inbox.entity.js';
import { applyKeptPush } from './webhook.service.js';

/**
 * Who may see which shipments: `null` = all (desk roles); a code = only that partner's (a
 * PARTNER key). A PARTNER key bound to no partner sees none.
 */
export type PartnerScope = string | null;

export interface ShipmentPage {
  rows: Row<Shipment>[];
  limit: number;
  cursorOf(s: Row<Shipment>): string;
  count(): Promise<number>;
}

const TRACKING_RE = /^[A-Z0-9][A-Z0-9_-]{0,63}$/;

export function trackingNumberArg(field: string, value: string): string {
  const n = normaliseTrackingNumber(value);
  if (!TRACKING_RE.test(n)) throw badInput(field, 'must be 1–64 letters, digits, "-" or "_"');
  return n;
}

export class ShipmentService {
  constructor(private readonly em: EntityManager) {}

  async register(input: RegisterShipmentInput): Promise<Shipment> {
    const trackingNumber = trackingNumberArg('input.trackingNumber', input.trackingNumber);
    const carrierCode = optionalText('input.carrierCode', input.carrierCode, 40);
    const clientId = idArg('input.clientId', input.clientId);
    const financingId = input.financingId ? idArg('input.financingId', input.financingId) : null;
    if (input.expectedDeliveryAt && Number.isNaN(input.expectedDeliveryAt.getTime())) throw badInput('input.expectedDeliveryAt', 'is not a valid date-time');
    return mapUniqueViolation(
      () =>
        this.em.transactional(async (tem) => {
          const partner = await tem.findOne(LogisticsPartner, { code: input.partnerCode.trim() });
          if (!partner) throw notFound('LogisticsPartner', input.partnerCode);
          if (partner.kind === PartnerKind.KUAIDI100 && !carrierCode) throw badInput('input.carrierCode', 'is required for Kuaidi100 (the carrier code `com`, e.g. shunfeng)');
          const client = await tem.findOne(Client, { id: clientId });
          if (!client) throw notFound('Client', clientId);
          let financing: Financing | null = null;
          if (financingId) {
            financing = await tem.findOne(Financing, { id: financingId });
            if (!financing) throw notFound('Financing', financingId);
            if (financing.client.id !== client.id && financing.anchorClient?.id !== client.id) {
              throw badInput('input.financingId', 'is a deal of another client (the shipment must belong to the deal’s client or its anchor)');
            }
          }
          if (await tem.count(Shipment, { partner, trackingNumber })) {
            throw conflict(`partner ${partner.code} already tracks ${trackingNumber}`, 'input.trackingNumber');
          }
          const shipment = tem.create(Shipment, {
            partner,
            trackingNumber,
            carrierCode,
            client,
            financing,
            expectedDeliveryAt: input.expectedDeliveryAt ?? null,
            // Pull partners: the first poll is due now.
            nextPollAt: partner.active && PULL_KINDS.has(partner.kind) ? new Date() : null,
          });
          // Pushes the partner sent before the desk registered the shipment were kept (UNMATCHED):
          // they apply now, in order, with the registration.
          const held = await tem.find(
            WebhookInbox,
            { outcome: WebhookOutcome.UNMATCHED, partnerCode: partner.code, trackingNumber },
            { populate: ['body'], orderBy: [{ receivedAt: 'asc' }, { id: 'asc' }] },
          );
          if (held.length) await tem.flush();
          for (const row of held) if (row.body) await applyKeptPush(tem, partner, row, row.body);
          return shipment;
        }),
      'shipment_partner_tracking_uidx',
      () => conflict(`partner ${input.partnerCode} already tracks ${trackingNumber}`, 'input.trackingNumber'),
    );
  }

  /** A shipment the scope may see, else null (a partner does not learn others' shipments exist). */
  async get(id: string, scope: PartnerScope): Promise<Row<Shipment> | null> {
    const [s] = await readRows<Shipment, { partnerCode: string }>(
      this.em,
      Shipment,
      'select {columns}, p.code as "partnerCode" from shipment s join logistics_partner p on p.id = s.partner_id where s.id = ?',
      [idArg('id', id)],
      's',
    );
    if (!s || (scope !== null && s.partnerCode !== scope)) return null;
    const { partnerCode: _, ...row } = s;
    return row as Row<Shipment>;
  }

  async list(filter: ShipmentFilter | null | undefined, scope: PartnerScope, first?: number | null, after?: string | null): Promise<ShipmentPage> {
    const limit = pageSize(first);
    // Wrapped: a QueryBuilder is thenable, so awaiting it directly would run it.
    const { qb: base } = await this.filtered(filter, scope);
    const qb = base.clone();
    if (after) {
      const { at, id } = decodeTimeIdCursor(after);
      qb.andWhere('(s.created_at, s.id) < (?, ?)', [at, id]);
    }
    qb.orderBy([{ createdAt: 'desc' }, { id: 'desc' }]).limit(limit + 1);
    const rows = await readQueryRows(this.em, Shipment, qb, 's');
    return { rows, limit, cursorOf: (s) => encodeCursor([s.createdAt.toISOString(), s.id]), count: () => base.clone().getCount() };
  }

  private async filtered(filter: ShipmentFilter | null | undefined, scope: PartnerScope): Promise<{ qb: QueryBuilder<Shipment> }> {
    const qb = this.em.createQueryBuilder(Shipment, 's');
    let codes = filter?.partnerCodes?.map((c) => c.trim()) ?? null;
    if (scope !== null) codes = codes ? codes.filter((c) => c === scope) : [scope];
    if (codes) {
      const ids = codes.length ? (await this.em.find(LogisticsPartner, { code: { $in: codes } }, { fields: ['id'] })).map((p) => p.id) : [];
      qb.andWhere({ partner: { $in: ids } });
    }
    if (!filter) return { qb };
    if (filter.clientIds) qb.andWhere({ client: { $in: filter.clientIds.map((id, i) => idArg(`filter.clientIds[${i}]`, id)) } });
    if (filter.statuses?.length) qb.andWhere({ status: { $in: filter.statuses } });
    if (filter.financingId) qb.andWhere({ financing: idArg('filter.financingId', filter.financingId) });
    if (filter.trackingNumber) qb.andWhere({ trackingNumber: normaliseTrackingNumber(filter.trackingNumber) });
    if (filter.active === true) qb.andWhere({ status: { $nin: [...TERMINAL_STATUSES] } });
    if (filter.active === false) qb.andWhere({ status: { $in: [...TERMINAL_STATUSES] } });
    return { qb };
  }

  /**
   * `pushTrackingEvents`: the generic push through GraphQL. `scope` is the caller's partner; a
   * PARTNER key may push only to its own partner's shipments.
   */
  async push(input: PushTrackingEventsInput, scope: PartnerScope): Promise<IngestResult & { shipment: Shipment }> {
    const code = input.partnerCode.trim();
    if (scope !== null && code !== scope) throw forbidden(`this key pushes for partner ${scope || '(none)'}, not ${code}`);
    const body: GenericPushBody = {
      trackingNumber: input.trackingNumber,
      events: input.events.map((e) => ({
        ...(e.id ? { id: e.id } : {}),
        occurredAt: e.occurredAt,
        status: e.status,
        reason: e.reason ?? null,
        code: e.code ?? null,
        description: e.description ?? null,
        location: e.location ?? null,
      })),
      ...(input.estimatedDeliveryAt !== undefined ? { estimatedDeliveryAt: input.estimatedDeliveryAt } : {}),
    };
    return this.em.transactional(async (tem) => {
      const partner = await tem.findOne(LogisticsPartner, { code });
      if (!partner) throw notFound('LogisticsPartner', code);
      if (!partner.active) throw conflict(`partner ${code} is paused: its pushes are refused until an ADMIN resumes it`, 'input.partnerCode');
      let update;
      try {
        update = mapGenericPush(body, { partner: partner.code, source: TrackingSource.PUSH, receivedAt: new Date() });
      } catch (err) {
        if (err instanceof PartnerPayloadError) throw badInput(err.path ? `input.${err.path}` : 'input', err.reason);
        throw err;
      }
      const result = await ingestTrackingUpdate(tem, partner, update, TrackingSource.PUSH);
      if (!result.shipment) throw notFound('Shipment', `${code}/${normaliseTrackingNumber(input.trackingNumber)}`);
      return { ...result, shipment: result.shipment };
    });
  }
}
