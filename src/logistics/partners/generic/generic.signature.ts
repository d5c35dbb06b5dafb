/**
 * Generic push signing: `x-scf-timestamp: <unix seconds>` and
 * `x-scf-signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>`, refused when
 * the timestamp is more than 5 minutes from our clock (either way).
 */
import { createHmac } from 'node:crypto';
import { hasSecret, header, safeEqual, type RequestHeaders, type Verification } from '../common/signature.js';

export const GENERIC_TIMESTAMP_HEADER = 'x-scf-timestamp';
export const GENERIC_SIGNATURE_HEADER = 'x-scf-signature';
export const GENERIC_TOLERANCE_MS = 5 * 60_000;

/** The `x-scf-signature` value for a body sent at `timestamp` (unix seconds). */
export function genericSignature(rawBody: Buffer | string, secret: string, timestamp: number | string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
  return `sha256=${mac}`;
}

/** Headers a generic partner sends with a body (for the simulator, tests and partners' docs). */
export function genericPushHeaders(rawBody: Buffer | string, secret: string, nowMs = Date.now()): Record<string, string> {
  const ts = Math.floor(nowMs / 1000);
  return { [GENERIC_TIMESTAMP_HEADER]: String(ts), [GENERIC_SIGNATURE_HEADER]: genericSignature(rawBody, secret, ts) };
}

export function verifyGenericPush(
  rawBody: Buffer,
  headers: RequestHeaders,
  secret: string | null | undefined,
  opts: { nowMs?: number; toleranceMs?: number } = {},
): Verification {
  if (!hasSecret(secret)) return { ok: false, reason: 'no-secret' };
  const given = header(headers, GENERIC_SIGNATURE_HEADER);
  if (!given) return { ok: false, reason: 'missing-signature' };
  const ts = header(headers, GENERIC_TIMESTAMP_HEADER);
  if (!ts || !/^\d{1,12}$/.test(ts)) return { ok: false, reason: 'stale-timestamp' };
  const skew = Math.abs((opts.nowMs ?? Date.now()) - Number(ts) * 1000);
  if (skew > (opts.toleranceMs ?? GENERIC_TOLERANCE_MS)) return { ok: false, reason: 'stale-timestamp' };
  if (!safeEqual(given.toLowerCase(), genericSignature(rawBody, secret, ts))) return { ok: false, reason: 'bad-signature' };
  return { ok: true, value: undefined };
}
