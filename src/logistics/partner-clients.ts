/**
 * One pull client per registered partner, created from its decrypted credentials on first use
 * and kept (it holds the partner's circuit breaker and quota gate); re-created when the partner
 * row changes. Calls report to the metrics through the `PartnerCallObserver`.
 */
import type { Metrics } from '../core/metrics.js';
import type { CircuitState } from './partners/common/circuit-breaker.js';
import type { PartnerCallObserver, PartnerCallResult, ResilienceOptions } from './partners/common/partner-http.js';
import { PartnerPayloadError } from './partners/common/payload.js';
import { DhlClient } from './partners/dhl/dhl.client.js';
import { mapDhlShipment } from './partners/dhl/dhl.mapper.js';
import { Kuaidi100Client } from './partners/kuaidi100/kuaidi100.client.js';
import { mapKuaidi100Query } from './partners/kuaidi100/kuaidi100.mapper.js';
import type { LogisticsPartner } from './partner.entity.js';
import type { PartnerService } from './partner.service.js';
import { PartnerKind, TrackingSource, type TrackingUpdate } from './tracking.js';

export type PullResult =
  | { outcome: 'ok'; update: TrackingUpdate }
  | { outcome: 'not-found-yet'; message: string }
  | { outcome: 'quota'; retryAt: Date; message: string }
  | { outcome: 'failed'; message: string; retryAt?: Date };

const CIRCUIT_VALUE: Record<CircuitState, number> = { CLOSED: 0, HALF_OPEN: 1, OPEN: 2 };

export function metricsObserver(metrics: Metrics): PartnerCallObserver {
  return {
    onCall(e) {
      metrics.partnerCalls.inc({ partner: e.partner, operation: e.operation, outcome: e.outcome, reason: e.reason ?? '' });
      metrics.partnerCallDuration.observe({ partner: e.partner, operation: e.operation }, e.ms / 1000);
      if (e.retries) metrics.partnerRetries.inc({ partner: e.partner, operation: e.operation }, e.retries);
    },
    onCircuit(partner, state) {
      metrics.partnerCircuit.set({ partner }, CIRCUIT_VALUE[state]);
    },
  };
}

type Client = DhlClient | Kuaidi100Client;

export class PartnerClients {
  private readonly clients = new Map<string, { stamp: string; client: Client }>();

  constructor(
    private readonly partners: () => PartnerService,
    private readonly observer: PartnerCallObserver,
    private readonly resilience: Partial<ResilienceOptions> = {},
  ) {}

  private clientFor(partner: LogisticsPartner): Client {
    const stamp = `${partner.updatedAt.getTime()}|${partner.apiBaseUrl ?? ''}|${partner.credentialsSealed ?? ''}`;
    const cached = this.clients.get(partner.id);
    if (cached && cached.stamp === stamp) return cached.client;
    if (!partner.apiBaseUrl) throw new Error(`partner ${partner.code} has no apiBaseUrl`);
    const creds = this.partners().credentialsOf(partner) ?? {};
    const common = { partner: partner.code, baseUrl: partner.apiBaseUrl, observer: this.observer, resilience: this.resilience };
    let client: Client;
    if (partner.kind === PartnerKind.DHL) {
      if (!creds.apiKey) throw new Error(`partner ${partner.code} has no DHL apiKey`);
      client = new DhlClient({ ...common, apiKey: creds.apiKey, ...(creds.service ? { service: creds.service } : {}) });
    } else if (partner.kind === PartnerKind.KUAIDI100) {
      if (!creds.customer || !creds.key) throw new Error(`partner ${partner.code} has no Kuaidi100 customer and key`);
      client = new Kuaidi100Client({ ...common, customer: creds.customer, key: creds.key });
    } else {
      throw new Error(`partner ${partner.code} (${partner.kind}) only pushes`);
    }
    this.observer.onCircuit?.(partner.code, client.http.breaker.state);
    this.clients.set(partner.id, { stamp, client });
    return client;
  }

  /** Pulls one shipment's tracking and maps it. Never throws for partner trouble: it is in the result. */
  async pull(
    partner: LogisticsPartner,
    shipment: { trackingNumber: string; carrierCode?: string | null },
    signal?: AbortSignal,
  ): Promise<PullResult> {
    let client: Client;
    try {
      client = this.clientFor(partner);
    } catch (err) {
      return { outcome: 'failed', message: err instanceof Error ? err.message : 'no client' };
    }
    let result: PartnerCallResult;
    if (client instanceof DhlClient) {
      result = await client.track(shipment.trackingNumber, { ...(shipment.carrierCode ? { service: shipment.carrierCode } : {}), ...(signal ? { signal } : {}) });
    } else {
      if (!shipment.carrierCode) return { outcome: 'failed', message: `${partner.code}: Kuaidi100 needs the shipment's carrierCode (com)` };
      result = await client.query({ com: shipment.carrierCode, num: shipment.trackingNumber }, signal ? { signal } : {});
    }
    switch (result.outcome) {
      case 'not-found-yet':
        return { outcome: 'not-found-yet', message: `${partner.code}: ${result.detail}` };
      case 'quota':
        return { outcome: 'quota', retryAt: result.retryAt, message: `${partner.code}: quota spent until ${result.retryAt.toISOString()}` };
      case 'failed':
        return { outcome: 'failed', message: result.message, ...(result.retryAt ? { retryAt: result.retryAt } : {}) };
      case 'ok':
        break;
    }
    const ctx = { partner: partner.code, source: TrackingSource.PULL, receivedAt: new Date() };
    try {
      if (partner.kind === PartnerKind.DHL) {
        const update = mapDhlShipment(result.payload, shipment.trackingNumber, ctx);
        if (!update) return { outcome: 'not-found-yet', message: `${partner.code}: the answer has no shipment ${shipment.trackingNumber}` };
        return { outcome: 'ok', update };
      }
      return { outcome: 'ok', update: mapKuaidi100Query(result.payload, ctx) };
    } catch (err) {
      if (err instanceof PartnerPayloadError) return { outcome: 'failed', message: err.message.slice(0, 500) };
      throw err;
    }
  }
}
