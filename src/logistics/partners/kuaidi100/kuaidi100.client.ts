/**
 * Kuaidi100 real-time query client (`POST {base}/poll/query.do`, form `customer`, `param`,
 * `sign`). HTTP only: the body it returns is mapped by `mapKuaidi100Query`.
 *
 * Kuaidi100 reports errors inside HTTP 200 as `{ result: false, returnCode, message }`: they
 * come back as `failed` / `partner-error` with `partnerCode` = `returnCode`. 501 and 502
 * (server error, busy — per Kuaidi100's docs; not confirmed against the live service) are
 * retried like a 5xx; 503 (signature refused) and 601 (key expired / balance) are
 * `unauthorized`; the rest are final.
 */
import {
  commonVerdict,
  PartnerHttp,
  tryJson,
  type PartnerCallResult,
  type PartnerHttpOptions,
  type RawResponse,
  type Verdict,
} from '../common/partner-http.js';
import { kuaidi100QueryError } from './kuaidi100.mapper.js';
import { kuaidi100QuerySign } from './kuaidi100.signature.js';

export interface Kuaidi100ClientOptions extends PartnerHttpOptions {
  customer: string;
  key: string;
}

export interface Kuaidi100QueryInput {
  /** Carrier code, lower case (`shunfeng`, `yuantong`, …). */
  com: string;
  num: string;
  /** Sender's or recipient's phone; SF Express requires it. */
  phone?: string;
}

const RETRIED_CODES = new Set(['501', '502']);
const AUTH_CODES = new Set(['503', '601']);

export function classifyKuaidi100(partner: string, res: RawResponse, nowMs: number): Verdict {
  if (res.status === 200) {
    const parsed = tryJson(res.body);
    if (!parsed.ok) return { kind: 'retry', reason: 'malformed', message: `${partner}: answer is not valid JSON` };
    const err = kuaidi100QueryError(parsed.value);
    if (!err) return { kind: 'ok', payload: parsed.value };
    const message = `${partner}: query error ${err.returnCode}${err.message ? ` ${err.message.slice(0, 200)}` : ''}`;
    if (RETRIED_CODES.has(err.returnCode)) return { kind: 'retry', reason: 'partner-error', message, partnerCode: err.returnCode };
    if (AUTH_CODES.has(err.returnCode)) return { kind: 'fail', reason: 'unauthorized', message, healthy: true, partnerCode: err.returnCode };
    return { kind: 'fail', reason: 'partner-error', message, healthy: true, partnerCode: err.returnCode };
  }
  const common = commonVerdict(partner, res, nowMs);
  if (common) return common;
  return { kind: 'fail', reason: 'rejected', message: `${partner}: HTTP ${res.status}`, healthy: true, partnerCode: String(res.status) };
}

/** The `param` JSON string of a query, exactly as signed and sent. */
export function kuaidi100QueryParam(input: Kuaidi100QueryInput): string {
  return JSON.stringify({
    com: input.com,
    num: input.num,
    ...(input.phone ? { phone: input.phone } : {}),
    resultv2: '4',
    show: '0',
    order: 'desc',
  });
}

export class Kuaidi100Client {
  readonly http: PartnerHttp;

  constructor(private readonly opts: Kuaidi100ClientOptions) {
    this.http = new PartnerHttp(opts);
  }

  query(input: Kuaidi100QueryInput, options: { signal?: AbortSignal } = {}): Promise<PartnerCallResult> {
    const param = kuaidi100QueryParam(input);
    const form = new URLSearchParams({ customer: this.opts.customer, param, sign: kuaidi100QuerySign(param, this.opts.key, this.opts.customer) });
    return this.http.call(
      'query',
      {
        method: 'POST',
        url: '/poll/query.do',
        data: form.toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      },
      (res) => classifyKuaidi100(this.opts.partner, res, Date.now()),
      options.signal,
    );
  }
}
