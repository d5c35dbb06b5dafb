import { describe, expect, it } from 'vitest';
import {
  eventKey,
  ExceptionReason,
  foldStatus,
  initialTrackingState,
  isTerminal,
  parsePartnerTime,
  PartnerTimeError,
  ShipmentStatus,
  TrackingSource,
  type ShipmentTrackingState,
  type TrackingEvent,
} from '../src/logistics/tracking.js';

const S = ShipmentStatus;

/** An event at hour `h` of 2026-03-01 (UTC) with a status; the key derives from what makes it distinct. */
function ev(h: number, status: ShipmentStatus, reason: ExceptionReason | null = null, description = `${status} at ${h}`): TrackingEvent {
  const occurredAt = new Date(Date.UTC(2026, 2, 1, h));
  const rawTime = occurredAt.toISOString();
  return {
    key: eventKey('p1', 'TN1', rawTime, status, description),
    status,
    reason,
    rawCode: status,
    rawSubCode: null,
    description,
    rawTime,
    occurredAt,
    offsetAssumed: false,
    location: null,
    source: TrackingSource.PULL,
    receivedAt: new Date(Date.UTC(2026, 2, 2)),
  };
}

/** Folds batches one after another, remembering stored keys like the database would. */
function replay(batches: TrackingEvent[][], start: ShipmentTrackingState = initialTrackingState()) {
  const keys = new Set<string>();
  let state = start;
  const results = [];
  for (const batch of batches) {
    const r = foldStatus(state, batch, { knownEventKeys: keys });
    for (const e of r.newEvents) keys.add(e.key);
    state = r.next;
    results.push(r);
  }
  return { state, results };
}

describe('parsePartnerTime', () => {
  it('reads times with an offset, Z, a compact offset, and no seconds', () => {
    expect(parsePartnerTime('2026-03-02T21:05:00+01:00')).toEqual({ at: new Date('2026-03-02T20:05:00Z'), offsetAssumed: false });
    expect(parsePartnerTime('2026-03-02T21:05:00Z').at.toISOString()).toBe('2026-03-02T21:05:00.000Z');
    expect(parsePartnerTime('2026-03-02T21:05:00-0500').at.toISOString()).toBe('2026-03-03T02:05:00.000Z');
    expect(parsePartnerTime('2026-03-02T21:05+08:00').at.toISOString()).toBe('2026-03-02T13:05:00.000Z');
  });

  it('cuts nanoseconds to milliseconds', () => {
    expect(parsePartnerTime('2026-03-02T23:40:12.123456789+01:00').at.toISOString()).toBe('2026-03-02T22:40:12.123Z');
  });

  it('applies the assumed offset to an offset-less time and says so', () => {
    expect(parsePartnerTime('2026-03-02T14:20:00')).toEqual({ at: new Date('2026-03-02T14:20:00Z'), offsetAssumed: true });
    expect(parsePartnerTime('2026-03-03 14:05:11', 480)).toEqual({ at: new Date('2026-03-03T06:05:11Z'), offsetAssumed: true });
  });

  it('refuses what is not a date-time, including impossible dates', () => {
    for (const bad of ['', 'yesterday', '2026-13-01T00:00:00Z', '2026-02-30 10:00:00', '2026-03-01T25:00:00Z', '1772546400']) {
      expect(() => parsePartnerTime(bad), bad).toThrow(PartnerTimeError);
    }
  });
});

describe('eventKey', () => {
  it('is the same for the same partner, number, raw time, code and description, and differs otherwise', () => {
    const k = eventKey('dhl-main', 'TN1', '2026-03-01T10:00:00', 'transit', 'Departed');
    expect(eventKey('dhl-main', 'TN1', '2026-03-01T10:00:00', 'transit', 'Departed')).toBe(k);
    expect(eventKey('dhl-other', 'TN1', '2026-03-01T10:00:00', 'transit', 'Departed')).not.toBe(k);
    expect(eventKey('dhl-main', 'TN1', '2026-03-01T10:00:00Z', 'transit', 'Departed')).not.toBe(k);
    expect(eventKey('dhl-main', 'TN1', '2026-03-01T10:00:00', 'transit', 'Departed ')).not.toBe(k);
  });

  it('cannot be forged by moving text between parts', () => {
    expect(eventKey('p', 'TN1', 't', 'ab', 'c')).not.toBe(eventKey('p', 'TN1', 't', 'a', 'bc'));
  });
});

describe('foldStatus', () => {
  it('takes the status of the newest event and reports the change and the new events', () => {
    const r = foldStatus(initialTrackingState(), [ev(3, S.IN_TRANSIT), ev(1, S.PICKED_UP)]);
    expect(r.next.status).toBe(S.IN_TRANSIT);
    expect(r.next.statusAt?.toISOString()).toBe('2026-03-01T03:00:00.000Z');
    expect(r.next.lastEventAt?.toISOString()).toBe('2026-03-01T03:00:00.000Z');
    expect(r.newEvents.map((e) => e.status)).toEqual([S.PICKED_UP, S.IN_TRANSIT]);
    expect(r).toMatchObject({ statusChanged: true, reasonChanged: false, changed: true, duplicates: 0 });
  });

  it('ignores a replayed push: nothing new, nothing changed', () => {
    const batch = [ev(1, S.PICKED_UP), ev(2, S.IN_TRANSIT)];
    const { results, state } = replay([batch, batch]);
    expect(results[1]).toMatchObject({ changed: false, statusChanged: false, duplicates: 2, newEvents: [] });
    expect(state.status).toBe(S.IN_TRANSIT);
  });

  it('treats a full-history resend as only its new tail', () => {
    const first = [ev(2, S.IN_TRANSIT), ev(1, S.PICKED_UP)];
    const resend = [ev(4, S.OUT_FOR_DELIVERY), ...first];
    const { results, state } = replay([first, resend]);
    expect(results[1]?.newEvents.map((e) => e.status)).toEqual([S.OUT_FOR_DELIVERY]);
    expect(results[1]?.duplicates).toBe(2);
    expect(state.status).toBe(S.OUT_FOR_DELIVERY);
  });

  it('drops an event repeated within one batch', () => {
    const e = ev(1, S.PICKED_UP);
    const r = foldStatus(initialTrackingState(), [e, e]);
    expect(r.newEvents).toHaveLength(1);
    expect(r.duplicates).toBe(1);
  });

  it('stores an out-of-order older event without moving the status back', () => {
    const { results, state } = replay([[ev(5, S.OUT_FOR_DELIVERY)], [ev(2, S.IN_TRANSIT)]]);
    expect(state.status).toBe(S.OUT_FOR_DELIVERY);
    expect(results[1]).toMatchObject({ statusChanged: false, changed: true });
    expect(results[1]?.newEvents).toHaveLength(1);
    expect(state.lastEventAt?.toISOString()).toBe('2026-03-01T05:00:00.000Z');
  });

  it('keeps a terminal status against an older or equally old event', () => {
    const { state } = replay([[ev(5, S.DELIVERED)], [ev(4, S.EXCEPTION, ExceptionReason.DAMAGED)], [ev(5, S.OUT_FOR_DELIVERY, null, 'same time')]]);
    expect(state.status).toBe(S.DELIVERED);
    expect(state.exceptionReason).toBeNull();
  });

  it('leaves a terminal status for a strictly newer event (delivered, then refused and returned)', () => {
    const { state } = replay([[ev(5, S.DELIVERED)], [ev(7, S.RETURNED, ExceptionReason.REFUSED)]]);
    expect(state.status).toBe(S.RETURNED);
    expect(state.exceptionReason).toBe(ExceptionReason.REFUSED);
  });

  it('lets the later of two equally timed events win when the status is not terminal', () => {
    const r = foldStatus(initialTrackingState(), [ev(3, S.IN_TRANSIT, null, 'a'), ev(3, S.EXCEPTION, ExceptionReason.HELD, 'b')]);
    expect(r.next.status).toBe(S.EXCEPTION);
    expect(r.next.exceptionReason).toBe(ExceptionReason.HELD);
  });

  it('never lets UNKNOWN replace a known status, though it advances lastEventAt', () => {
    const { results, state } = replay([[ev(1, S.IN_TRANSIT)], [ev(3, S.UNKNOWN)]]);
    expect(state.status).toBe(S.IN_TRANSIT);
    expect(state.lastEventAt?.toISOString()).toBe('2026-03-01T03:00:00.000Z');
    expect(results[1]).toMatchObject({ statusChanged: false, changed: true });
  });

  it('lets a known event older than an UNKNOWN one but newer than the status take over', () => {
    const { state } = replay([[ev(1, S.IN_TRANSIT)], [ev(5, S.UNKNOWN)], [ev(3, S.OUT_FOR_DELIVERY)]]);
    expect(state.status).toBe(S.OUT_FOR_DELIVERY);
  });

  it('keeps PENDING when only UNKNOWN events arrived', () => {
    const r = foldStatus(initialTrackingState(), [ev(1, S.UNKNOWN)]);
    expect(r.next.status).toBe(S.PENDING);
    expect(r.statusChanged).toBe(false);
    expect(r.changed).toBe(true);
  });

  it('reports a reason change with the same status', () => {
    const { results } = replay([[ev(1, S.EXCEPTION, ExceptionReason.CUSTOMS)], [ev(2, S.EXCEPTION, ExceptionReason.HELD)]]);
    expect(results[1]).toMatchObject({ statusChanged: false, reasonChanged: true, changed: true });
  });

  it('reports an ETA change alone, and no change for the same ETA', () => {
    const start = { ...initialTrackingState(), estimatedDeliveryAt: new Date('2026-03-05T00:00:00Z') };
    expect(foldStatus(start, [], { estimatedDeliveryAt: new Date('2026-03-06T00:00:00Z') })).toMatchObject({ etaChanged: true, changed: true });
    expect(foldStatus(start, [], { estimatedDeliveryAt: new Date('2026-03-05T00:00:00Z') })).toMatchObject({ etaChanged: false, changed: false });
    expect(foldStatus(start, [])).toMatchObject({ etaChanged: false, changed: false });
    expect(foldStatus(start, [], { estimatedDeliveryAt: null })).toMatchObject({ etaChanged: true });
  });

  it('gives the same state whatever order the same events arrive in', () => {
    const events = [ev(1, S.PICKED_UP), ev(2, S.IN_TRANSIT), ev(3, S.UNKNOWN), ev(4, S.EXCEPTION, ExceptionReason.DELAYED), ev(6, S.DELIVERED), ev(5, S.OUT_FOR_DELIVERY)];
    const orders = [events, [...events].reverse(), [events[3]!, events[0]!, events[5]!, events[4]!, events[2]!, events[1]!]];
    const finals = orders.map((o) => replay(o.map((e) => [e])).state);
    for (const f of finals) expect(f).toEqual(finals[0]);
    expect(finals[0]?.status).toBe(S.DELIVERED);
  });

  it('knows the terminal statuses', () => {
    expect([...Object.values(S)].filter(isTerminal).sort()).toEqual([S.CANCELLED, S.DELIVERED, S.EXPIRED, S.RETURNED]);
  });
});
