/**
 * The transport every pull client shares: one partner call = attempts under an overall deadline,
 * retries with jittered exponential backoff on timeouts, resets and 5xx, 429 handled as a quota
 * (waited out when `Retry-After` is short, else surfaced with the time it resets, and no more
 * requests until then), a circuit breaker, and an observer for metrics.
 *
 * Partner clients describe the request and classify each response; this module never sees
 * credentials except inside the request it hands to axios, and its results and observer
 * events carry only reasons we wrote, never axios errors (whose config holds headers).
 */
import axios, { type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { CircuitBreaker, type CircuitState } from './circuit-breaker.js';

/** Why a call failed. */
export type FailureReason =
  | 'timeout'
  | 'network'
  | 'server-error'
  | 'unauthorized'
  | 'rejected'
  | 'malformed'
  | 'partner-error'
  | 'circuit-open'
  | 'aborted';

/** The outcome of one partner call. `payload` is the parsed JSON body, to be mapped by the partner's mapper. */
export type PartnerCallResult =
  | { outcome: 'ok'; payload: unknown; status: number; attempts: number }
  /** The partner does not know the shipment (yet): DHL's 404 for a new shipment. Not an outage. */
  | { outcome: 'not-found-yet'; detail: string; attempts: number }
  /** The partner's quota is spent: do not call before `retryAt`. */
  | { outcome: 'quota'; retryAt: Date; attempts: number }
  | {
      outcome: 'failed';
      reason: FailureReason;
      /** Our own words, safe to log and store: never a credential, signature or raw axios error. */
      message: string;
      /** Worth trying again later (transport trouble), as opposed to a request the partner will keep refusing. */
      retryable: boolean;
      attempts: number;
      /** For `circuit-open`: when the breaker lets a probe through. */
      retryAt?: Date;
      /** The partner's own error code, when it gave one (Kuaidi100 `returnCode`, HTTP status). */
      partnerCode?: string;
    };

export type CallOutcome = PartnerCallResult['outcome'];

/** Hooks for metrics (calls by outcome, latency, retries, circuit state). Exceptions thrown by hooks are ignored. */
export interface PartnerCallObserver {
  onCall?(event: { partner: string; operation: string; outcome: CallOutcome; reason?: FailureReason; ms: number; retries: number }): void;
  onCircuit?(partner: string, state: CircuitState): void;
}

export interface ResilienceOptions {
  /** Deadline of one attempt, headers and body included (a body that stalls half-way is cut here). */
  attemptTimeoutMs: number;
  /** Deadline of the whole call, retries and waits included. */
  deadlineMs: number;
  maxRetries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A `Retry-After` up to this long is waited out within the call; a longer one ends it as `quota`. */
  maxRetryAfterMs: number;
  /** How long a 429 without `Retry-After` blocks the partner (clients may know better, e.g. DHL's midnight GMT). */
  quotaCooldownMs: number;
  breakerFailureThreshold: number;
  breakerCooldownMs: number;
  maxBodyBytes: number;
}

export const DEFAULT_RESILIENCE: Readonly<ResilienceOptions> = Object.freeze({
  attemptTimeoutMs: 10_000,
  deadlineMs: 30_000,
  maxRetries: 3,
  backoffBaseMs: 250,
  backoffMaxMs: 5_000,
  maxRetryAfterMs: 5_000,
  quotaCooldownMs: 60_000,
  breakerFailureThreshold: 5,
  breakerCooldownMs: 30_000,
  maxBodyBytes: 5 * 1024 * 1024,
});

/** A response as the classifier sees it. */
export interface RawResponse {
  status: number;
  headers: Readonly<Record<string, string | undefined>>;
  body: string;
}

/** A client's verdict on one response. */
export type Verdict =
  | { kind: 'ok'; payload: unknown }
  | { kind: 'not-found-yet'; detail: string }
  | { kind: 'quota'; retryAfterMs: number | null }
  /** Worth another attempt (5xx, a partner's "busy"). */
  | { kind: 'retry'; reason: FailureReason; message: string; retryAfterMs?: number | null; partnerCode?: string }
  /** Final: `healthy` says whether the partner answered as a working service (does not count against the breaker). */
  | { kind: 'fail'; reason: FailureReason; message: string; healthy: boolean; partnerCode?: string };

export interface PartnerHttpOptions {
  /** The partner's code, for metrics and messages. */
  partner: string;
  baseUrl: string;
  resilience?: Partial<ResilienceOptions>;
  observer?: PartnerCallObserver;
  /** Share or inject a breaker (e.g. one per registered partner across clients). */
  breaker?: CircuitBreaker;
  /** When a 429 without `Retry-After` lifts (default: `quotaCooldownMs` from now). */
  quotaResetAt?: (now: Date) => Date;
  /** For tests. */
  random?: () => number;
  now?: () => number;
  /** For tests: the axios instance to use. */
  axiosInstance?: AxiosInstance;
}

/** Reads `Retry-After` (delta seconds or an HTTP date) as milliseconds from `nowMs`, or null. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (value === undefined) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

/** The next midnight GMT after `now` (DHL's daily quota resets then). */
export function nextMidnightUtc(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_NETWORK', 'ERR_BAD_RESPONSE']);

function errorCode(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof (err as { code: unknown }).code === 'string') return (err as { code: string }).code;
  return '';
}

class Aborted extends Error {}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Aborted());
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new Aborted());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** One partner's HTTP transport. Create one per registered partner and keep it: it holds the breaker and the quota gate. */
export class PartnerHttp {
  readonly partner: string;
  readonly breaker: CircuitBreaker;
  readonly options: ResilienceOptions;
  private readonly http: AxiosInstance;
  private readonly now: () => number;
  private readonly random: () => number;
  private blockedUntil = 0;

  constructor(private readonly cfg: PartnerHttpOptions) {
    this.partner = cfg.partner;
    this.options = { ...DEFAULT_RESILIENCE, ...cfg.resilience };
    this.now = cfg.now ?? Date.now;
    this.random = cfg.random ?? Math.random;
    this.breaker =
      cfg.breaker ??
      new CircuitBreaker({
        failureThreshold: this.options.breakerFailureThreshold,
        cooldownMs: this.options.breakerCooldownMs,
        now: this.now,
        onStateChange: (state) => this.notify(() => cfg.observer?.onCircuit?.(cfg.partner, state)),
      });
    this.http =
      cfg.axiosInstance ??
      axios.create({
        baseURL: cfg.baseUrl.replace(/\/+$/, ''),
        // Our classifiers read every status and parse the body themselves (to tell malformed JSON apart).
        validateStatus: () => true,
        responseType: 'text',
        transformResponse: [(d: unknown) => d],
        maxRedirects: 0,
        // Never route partner calls through an environment proxy by accident.
        proxy: false,
      });
  }

  /** The time until which a spent quota keeps this partner from being called, if any. */
  get quotaBlockedUntil(): Date | null {
    return this.blockedUntil > this.now() ? new Date(this.blockedUntil) : null;
  }

  /**
   * Makes one partner call: `request` describes it (no `signal`, `baseURL` — set here),
   * `classify` reads each response. `signal` cancels the whole call (shutdown).
   */
  async call(operation: string, request: AxiosRequestConfig, classify: (res: RawResponse) => Verdict, signal?: AbortSignal): Promise<PartnerCallResult> {
    const started = this.now();
    let attempts = 0;
    const finish = (result: PartnerCallResult): PartnerCallResult => {
      const ms = this.now() - started;
      this.notify(() =>
        this.cfg.observer?.onCall?.({
          partner: this.partner,
          operation,
          outcome: result.outcome,
          ...(result.outcome === 'failed' ? { reason: result.reason } : {}),
          ms,
          retries: Math.max(0, attempts - 1),
        }),
      );
      return result;
    };

    if (this.blockedUntil > this.now()) return finish({ outcome: 'quota', retryAt: new Date(this.blockedUntil), attempts: 0 });
    const permit = this.breaker.acquire();
    if (!permit.allowed) {
      return finish({
        outcome: 'failed',
        reason: 'circuit-open',
        message: `${this.partner}: circuit open after repeated failures; next probe at ${permit.retryAt.toISOString()}`,
        retryable: true,
        attempts: 0,
        retryAt: permit.retryAt,
      });
    }

    const o = this.options;
    const deadline = AbortSignal.timeout(o.deadlineMs);
    const whole = signal ? AbortSignal.any([signal, deadline]) : deadline;
    const maxAttempts = permit.probe ? 1 : o.maxRetries + 1;
    let last: Extract<PartnerCallResult, { outcome: 'failed' }> | null = null;
    let status = 0;

    try {
      while (attempts < maxAttempts) {
        attempts++;
        const remaining = started + o.deadlineMs - this.now();
        if (remaining <= 0) break;
        const attemptSignal = AbortSignal.any([whole, AbortSignal.timeout(Math.min(o.attemptTimeoutMs, remaining))]);
        const { verdict, status: answered } = await this.attempt(request, classify, attemptSignal, signal);
        if (answered) status = answered;

        let waitMs: number | null = null;
        switch (verdict.kind) {
          case 'ok':
            this.breaker.record(true);
            return finish({ outcome: 'ok', payload: verdict.payload, status, attempts });
          case 'not-found-yet':
            this.breaker.record(true);
            return finish({ outcome: 'not-found-yet', detail: verdict.detail, attempts });
          case 'fail':
            this.breaker.record(verdict.healthy);
            return finish({
              outcome: 'failed',
              reason: verdict.reason,
              message: verdict.message,
              retryable: !verdict.healthy,
              attempts,
              ...(verdict.partnerCode !== undefined ? { partnerCode: verdict.partnerCode } : {}),
            });
          case 'quota': {
            const resetAt =
              verdict.retryAfterMs !== null
                ? this.now() + verdict.retryAfterMs
                : (this.cfg.quotaResetAt?.(new Date(this.now())).getTime() ?? this.now() + o.quotaCooldownMs);
            const wait = resetAt - this.now();
            const fits = wait <= o.maxRetryAfterMs && attempts < maxAttempts && this.now() + wait < started + o.deadlineMs;
            if (verdict.retryAfterMs === null || !fits) {
              // The partner answered: a spent quota is not an outage.
              this.breaker.record(true);
              this.blockedUntil = Math.max(this.blockedUntil, resetAt);
              return finish({ outcome: 'quota', retryAt: new Date(resetAt), attempts });
            }
            waitMs = wait;
            last = { outcome: 'failed', reason: 'rejected', message: `${this.partner}: rate limited (429)`, retryable: true, attempts, partnerCode: '429' };
            break;
          }
          case 'retry':
            last = {
              outcome: 'failed',
              reason: verdict.reason,
              message: verdict.message,
              retryable: true,
              attempts,
              ...(verdict.partnerCode !== undefined ? { partnerCode: verdict.partnerCode } : {}),
            };
            if (verdict.retryAfterMs != null && verdict.retryAfterMs <= o.maxRetryAfterMs) waitMs = verdict.retryAfterMs;
            break;
        }

        if (attempts >= maxAttempts) break;
        const backoff = this.backoff(attempts);
        const delay = waitMs ?? backoff;
        if (this.now() + delay >= started + o.deadlineMs) break;
        await sleep(delay, whole);
      }
    } catch (err) {
      if (signal?.aborted) {
        this.breaker.release();
        return finish({ outcome: 'failed', reason: 'aborted', message: `${this.partner}: call cancelled`, retryable: true, attempts });
      }
      if (!(err instanceof Aborted)) throw err;
      // the overall deadline ran out while waiting between attempts: fall through to the last failure
    }

    const failure =
      last ?? { outcome: 'failed' as const, reason: 'timeout' as const, message: `${this.partner}: no answer within ${o.deadlineMs} ms`, retryable: true, attempts };
    // A 429 waited out to the end is still the partner answering.
    this.breaker.record(failure.partnerCode === '429');
    return finish({ ...failure, attempts });
  }

  /** One request and its verdict; throws `Aborted` when the caller cancelled. */
  private async attempt(
    request: AxiosRequestConfig,
    classify: (res: RawResponse) => Verdict,
    attemptSignal: AbortSignal,
    callerSignal: AbortSignal | undefined,
  ): Promise<{ verdict: Verdict; status: number }> {
    let raw: RawResponse;
    try {
      const res = await this.http.request<string>({ ...request, signal: attemptSignal, maxContentLength: this.options.maxBodyBytes });
      raw = { status: res.status, headers: flattenHeaders(res.headers), body: typeof res.data === 'string' ? res.data : String(res.data ?? '') };
    } catch (err) {
      if (callerSignal?.aborted) throw new Aborted();
      return { verdict: this.transportVerdict(err, attemptSignal.aborted), status: 0 };
    }
    try {
      return { verdict: classify(raw), status: raw.status };
    } catch {
      return { verdict: { kind: 'fail', reason: 'malformed', message: `${this.partner}: unreadable answer (HTTP ${raw.status})`, healthy: false }, status: raw.status };
    }
  }

  /** Equal jitter: half the exponential step, plus a random part of the other half. */
  private backoff(attempt: number): number {
    const step = Math.min(this.options.backoffMaxMs, this.options.backoffBaseMs * 2 ** (attempt - 1));
    return Math.round(step / 2 + this.random() * (step / 2));
  }

  private transportVerdict(err: unknown, timedOut: boolean): Verdict {
    const code = errorCode(err);
    if (timedOut || code === 'ERR_CANCELED') {
      return { kind: 'retry', reason: 'timeout', message: `${this.partner}: no complete answer within ${this.options.attemptTimeoutMs} ms` };
    }
    if (code === 'ERR_BAD_RESPONSE' && err instanceof Error && /maxContentLength/.test(err.message)) {
      return { kind: 'fail', reason: 'malformed', message: `${this.partner}: answer larger than ${this.options.maxBodyBytes} bytes`, healthy: false };
    }
    if (NETWORK_CODES.has(code)) return { kind: 'retry', reason: 'network', message: `${this.partner}: connection failed (${code})` };
    return { kind: 'retry', reason: 'network', message: `${this.partner}: request failed${code ? ` (${code})` : ''}` };
  }

  private notify(fn: () => void): void {
    try {
      fn();
    } catch {
      // observers must not break calls
    }
  }
}

function flattenHeaders(h: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (typeof h !== 'object' || h === null) return out;
  for (const [k, v] of Object.entries(h as Record<string, unknown>)) {
    if (typeof v === 'string') out[k.toLowerCase()] = v;
    else if (Array.isArray(v)) out[k.toLowerCase()] = v.map(String).join(', ');
    else if (typeof v === 'number') out[k.toLowerCase()] = String(v);
  }
  return out;
}

/** Parses a JSON body for a classifier: `null` when it is not JSON (the caller decides what that means). */
export function tryJson(body: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : 'parse error' };
  }
}

/** Shared classification of statuses every partner treats alike (5xx, 429, 401/403). `null`: the client decides. */
export function commonVerdict(partner: string, res: RawResponse, nowMs: number): Verdict | null {
  if (res.status === 429) return { kind: 'quota', retryAfterMs: parseRetryAfter(res.headers['retry-after'], nowMs) };
  if (res.status >= 500) {
    return {
      kind: 'retry',
      reason: 'server-error',
      message: `${partner}: HTTP ${res.status}`,
      retryAfterMs: parseRetryAfter(res.headers['retry-after'], nowMs),
      partnerCode: String(res.status),
    };
  }
  if (res.status === 401 || res.status === 403) {
    return { kind: 'fail', reason: 'unauthorized', message: `${partner}: credentials refused (HTTP ${res.status})`, healthy: true, partnerCode: String(res.status) };
  }
  return null;
}
