/**
 * AfterShip webhook signing: header `aftership-hmac-sha256` = base64(HMAC-SHA256(secret, raw
 * body)). Nothing time-based is signed, so replays are stopped by event identity, not a window.
 */
import { createHmac } from 'node:crypto';
import { hasSecret, header, safeEqual, type RequestHeaders, type Verification } from '../common/signature.js';

export const AFTERSHIP_SIGNATURE_HEADER = 'aftership-hmac-sha256';

export const afterShipSignature = (rawBody: Buffer | string, secret: string): string =>
  createHmac('sha256', secret).update(rawBody).digest('base64');

export function verifyAfterShipWebhook(rawBody: Buffer, headers: RequestHeaders, secret: string | null | undefined): Verification {
  if (!hasSecret(secret)) return { ok: false, reason: 'no-secret' };
  const given = header(headers, AFTERSHIP_SIGNATURE_HEADER);
  if (!given) return { ok: false, reason: 'missing-signature' };
  if (!safeEqual(given, afterShipSignature(rawBody, secret))) return { ok: false, reason: 'bad-signature' };
  return { ok: true, value: undefined };
}
