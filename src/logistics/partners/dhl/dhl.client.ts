/**
 * DHL Shipment Tracking — Unified API client. HTTP only: the body it returns is mapped by
 * `mapDhlResponse`.
 *
 * Quirks: a new shipment answers 404 for its first 10–30 minutes (`not-found-yet`, which does
 * not count against the breaker); 429 means the daily quota is spent, which resets at midnight
 * GMT when DHL sends no `Retry-After`.
 */
import {
  commonVerdict,
  nextMidnightUtc,
  PartnerHttp,
  tryJson,
  type PartnerCallResult,
  type PartnerHttpOptions,
  type RawResponse,
  type Verdict,
} from '../common/partner-http.js';

export interface DhlClientOptions extends Omit<PartnerHttpOptions, 'quotaResetAt'> {
  apiKey: string;
  /** Default `service` (express, parcel-de, ecommerce, freight, …); without one DHL may match another division's shipment. */
  service?: string;
  language?: string;
}

export interface DhlTrackOptions {
  service?: string;
  signal?: AbortSignal;
}

/** Short, safe text from a problem document (`{ status, title, detail }`). */
function problemText(body: string): string {
  const parsed = tryJson(body);
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) return '';
  const p = parsed.value as Record<string, unknown>;
  const parts = [p['title'], p['detail']].filter((x): x is string => typeof x === 'string' && x.length > 0);
  return parts.join(': ').slice(0, 200);
}

export function classifyDhl(partner: string, res: RawResponse, nowMs: number): Verdict {
  if (res.status === 200) {
    const parsed = tryJson(res.body);
    if (!parsed.ok) return { kind: 'retry', reason: 'malformed', message: `${partner}: answer is not valid JSON` };
    return { kind: 'ok', payload: parsed.value };
  }
  if (res.status === 404) return { kind: 'not-found-yet', detail: problemText(res.body) || 'no shipment with this tracking number (yet)' };
  const common = commonVerdict(partner, res, nowMs);
  if (common) return common;
  const text = problemText(res.body);
  return { kind: 'fail', reason: 'rejected', message: `${partner}: HTTP ${res.status}${text ? ` ${text}` : ''}`, healthy: true, partnerCode: String(res.status) };
}

export class DhlClient {
  readonly http: PartnerHttp;

  constructor(private readonly opts: DhlClientOptions) {
    this.http = new PartnerHttp({ ...opts, quotaResetAt: nextMidnightUtc });
  }

  /** `GET {base}/track/shipments?trackingNumber=…`; `payload` of an `ok` is DHL's JSON body. */
  track(trackingNumber: string, options: DhlTrackOptions = {}): Promise<PartnerCallResult> {
    const service = options.service ?? this.opts.service;
    const params: Record<string, string> = { trackingNumber };
    if (service) params['service'] = service;
    if (this.opts.language) params['language'] = this.opts.language;
    return this.http.call(
      'track',
      { method: 'GET', url: '/track/shipments', params, headers: { 'DHL-API-Key': this.opts.apiKey, Accept: 'application/json' } },
      (res) => classifyDhl(this.opts.partner, res, Date.now()),
      options.signal,
    );
  }
}
