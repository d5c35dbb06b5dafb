/**
 * Kuaidi100 signing: the query request (`sign = UPPER(MD5(param + key + customer))`) and the
 * push callback (`sign = UPPER(MD5(param + salt))` over the `param` form field as sent).
 */
import { createHash } from 'node:crypto';
import { hasSecret, safeEqual, type Verification } from '../common/signature.js';

const md5Upper = (s: string) => createHash('md5').update(s, 'utf8').digest('hex').toUpperCase();

export const kuaidi100QuerySign = (param: string, key: string, customer: string): string => md5Upper(param + key + customer);
export const kuaidi100PushSign = (param: string, salt: string): string => md5Upper(param + salt);

/** What Kuaidi100 must get back for a push it should not retry. */
export const KUAIDI100_PUSH_ACK = Object.freeze({ result: true, returnCode: '200', message: '提交成功' });
/** An answer that makes Kuaidi100 retry later (anything but the ack does; this one says why). */
export const kuaidi100PushNack = (message: string) => ({ result: false, returnCode: '500', message });

/**
 * Verifies a push callback's raw body (`application/x-www-form-urlencoded`, fields `param` and
 * `sign`) against the salt; on success returns the `param` JSON string, still unparsed.
 */
export function verifyKuaidi100Push(rawBody: Buffer, salt: string | null | undefined): Verification<string> {
  if (!hasSecret(salt)) return { ok: false, reason: 'no-secret' };
  const form = new URLSearchParams(rawBody.toString('utf8'));
  const param = form.get('param');
  const sign = form.get('sign');
  if (param === null) return { ok: false, reason: 'malformed' };
  if (!sign) return { ok: false, reason: 'missing-signature' };
  if (!safeEqual(sign.trim().toUpperCase(), kuaidi100PushSign(param, salt))) return { ok: false, reason: 'bad-signature' };
  return { ok: true, value: param };
}

/** The form body Kuaidi100 posts (for the simulator and tests). */
export function kuaidi100PushBody(param: string, salt: string): string {
  return new URLSearchParams({ param, sign: kuaidi100PushSign(param, salt) }).toString();
}
