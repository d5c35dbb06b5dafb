/**
 * Reading partner payloads: small typed accessors that throw `PartnerPayloadError` naming the
 * offending path, so a webhook can answer 400 with the reason and a poll can log it.
 */
import {
  eventKey,
  parsePartnerTime,
  PartnerTimeError,
  type PartnerKind,
  type TrackingEvent,
  type TrackingSource,
} from '../../tracking.js';

/** A partner payload that cannot be mapped. `reason` is safe to show the partner (no secrets, no stack). */
export class PartnerPayloadError extends Error {
  constructor(
    readonly partnerKind: PartnerKind,
    readonly reason: string,
    readonly path?: string,
  ) {
    super(path ? `${partnerKind} payload: ${path}: ${reason}` : `${partnerKind} payload: ${reason}`);
    this.name = 'PartnerPayloadError';
  }
}

/** What every mapper needs besides the payload. */
export interface MapContext {
  /** The registered partner's code (part of event identity). */
  partner: string;
  source: TrackingSource;
  receivedAt: Date;
}

export type JsonObject = { [k: string]: unknown };

/** Accessors bound to one partner kind, so errors name it. */
export function reader(kind: PartnerKind) {
  const fail = (path: string, reason: string): never => {
    throw new PartnerPayloadError(kind, reason, path);
  };
  const r = {
    fail,
    json(text: string | Buffer, path = 'body'): unknown {
      const s = typeof text === 'string' ? text : text.toString('utf8');
      try {
        return JSON.parse(s) as unknown;
      } catch (err) {
        return fail(path, `not valid JSON (${err instanceof Error ? err.message : 'parse error'})`);
      }
    },
    obj(v: unknown, path: string): JsonObject {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(path, 'must be an object');
      return v as JsonObject;
    },
    optObj(v: unknown, path: string): JsonObject | null {
      return v === undefined || v === null ? null : r.obj(v, path);
    },
    arr(v: unknown, path: string): unknown[] {
      if (!Array.isArray(v)) return fail(path, 'must be an array');
      return v;
    },
    str(v: unknown, path: string): string {
      if (typeof v === 'number' && Number.isFinite(v)) return String(v);
      if (typeof v !== 'string') return fail(path, 'must be a string');
      return v;
    },
    nonEmpty(v: unknown, path: string): string {
      const s = r.str(v, path).trim();
      if (!s) return fail(path, 'must not be empty');
      return s;
    },
    optStr(v: unknown, path: string): string | null {
      if (v === undefined || v === null) return null;
      return r.str(v, path);
    },
    time(raw: string, path: string, assumeOffsetMinutes = 0) {
      try {
        return parsePartnerTime(raw, assumeOffsetMinutes);
      } catch (err) {
        if (err instanceof PartnerTimeError) return fail(path, err.message);
        throw err;
      }
    },
  };
  return r;
}

/** Builds a canonical event; the key comes from the raw parts. */
export function makeEvent(
  ctx: MapContext,
  trackingNumber: string,
  parts: Omit<TrackingEvent, 'key' | 'source' | 'receivedAt'> & {
    /** A partner-given event id: then it alone (with partner and number) is the identity. */
    identity?: string;
  },
): TrackingEvent {
  const { identity, ...rest } = parts;
  return {
    key:
      identity === undefined
        ? eventKey(ctx.partner, trackingNumber, parts.rawTime, parts.rawCode, parts.description)
        : eventKey(ctx.partner, trackingNumber, '', identity, ''),
    ...rest,
    source: ctx.source,
    receivedAt: ctx.receivedAt,
  };
}

/** Partners list newest first; we keep events oldest first, equal times in the order they happened. */
export function oldestFirst(newestFirst: TrackingEvent[]): TrackingEvent[] {
  return newestFirst
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.occurredAt.getTime() - b.e.occurredAt.getTime() || b.i - a.i)
    .map(({ e }) => e);
}

/** "Leipzig, 04109, DE" from whatever parts are present. */
export function joinLocation(...parts: Array<string | null | undefined>): string | null {
  const s = parts.map((p) => p?.trim()).filter((p): p is string => !!p).join(', ');
  return s || null;
}
