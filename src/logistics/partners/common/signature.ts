/**
 * Shared pieces of webhook verification. Verifiers are pure functions over the raw request
 * bytes; they fail closed (no secret configured = refused) and never echo a secret or a
 * signature in what they return.
 */
import { timingSafeEqual } from 'node:crypto';

/** Why a push was refused before it was read. The webhook answers 401 to all of them. */
export type SignatureFailure =
  /** No secret is configured for the partner: everything is refused. */
  | 'no-secret'
  | 'missing-signature'
  | 'bad-signature'
  /** The signed timestamp is missing, unreadable or outside the window. */
  | 'stale-timestamp'
  /** The body is not in the shape that carries the signature (e.g. no `param` form field). */
  | 'malformed';

export type Verification<T = undefined> = { ok: true; value: T } | { ok: false; reason: SignatureFailure };

/** Request headers as Node and Fastify give them (lower-case names). */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

export function header(headers: RequestHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined ? undefined : s.trim();
}

/** Constant-time comparison of two strings' bytes; unequal lengths are unequal (checked first). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ab.length !== bb.length) return false;
  return timingSafeEqual(ab, bb);
}

export const hasSecret = (secret: string | null | undefined): secret is string => typeof secret === 'string' && secret.length > 0;
