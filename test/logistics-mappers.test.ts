import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapAfterShipWebhook } from '../src/logistics/partners/aftership/aftership.mapper.js';
import { PartnerPayloadError, type MapContext } from '../src/logistics/partners/common/payload.js';
import { mapDhlResponse, mapDhlShipment } from '../src/logistics/partners/dhl/dhl.mapper.js';
import { mapGenericPush } from '../src/logistics/partners/generic/generic.mapper.js';
import { kuaidi100QueryError, mapKuaidi100Push, mapKuaidi100Query } from '../src/logistics/partners/kuaidi100/kuaidi100.mapper.js';
import { ExceptionReason, foldStatus, initialTrackingState, PartnerKind, ShipmentStatus, TrackingSource } from '../src/logistics/tracking.js';

const S = ShipmentStatus;
const R = ExceptionReason;
const fixture = (path: string) => readFileSync(new URL(`../src/logistics/partners/${path}`, import.meta.url), 'utf8');
const json = (path: string): unknown => JSON.parse(fixture(path));
const receivedAt = new Date('2026-03-04T00:00:00Z');
const pull = (partner: string): MapContext => ({ partner, source: TrackingSource.PULL, receivedAt });
const push = (partner: string): MapContext => ({ partner, source: TrackingSource.PUSH, receivedAt });

function payloadError(fn: () => unknown): PartnerPayloadError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PartnerPayloadError) return err;
    throw err;
  }
  throw new Error('expected a PartnerPayloadError');
}

describe('mapDhlResponse', () => {
  const [update] = mapDhlResponse(json('dhl/fixtures/track-response.json'), pull('dhl-main'));

  it('maps every event, oldest first, with raw codes and canonical statuses', () => {
    expect(update?.trackingNumber).toBe('7777777770');
    expect(update?.events.map((e) => [e.rawCode, e.status, e.reason])).toEqual([
      ['pre-transit', S.INFO_RECEIVED, null],
      ['transit', S.IN_TRANSIT, null],
      ['failure', S.EXCEPTION, R.OTHER],
      ['unknown', S.UNKNOWN, null],
      ['hold-at-depot', S.UNKNOWN, null],
    ]);
    expect(update?.events.every((e) => e.source === TrackingSource.PULL && e.receivedAt === receivedAt)).toBe(true);
  });

  it('reads offset-less timestamps as UTC and flags them; keeps offsets and cuts nanoseconds', () => {
    const byCode = new Map(update?.events.map((e) => [e.rawCode, e]));
    expect(byCode.get('transit')).toMatchObject({ rawTime: '2026-03-02T14:20:00', offsetAssumed: true });
    expect(byCode.get('transit')?.occurredAt.toISOString()).toBe('2026-03-02T14:20:00.000Z');
    expect(byCode.get('pre-transit')?.occurredAt.toISOString()).toBe('2026-03-02T02:00:00.000Z');
    expect(byCode.get('pre-transit')?.offsetAssumed).toBe(false);
    expect(byCode.get('unknown')?.occurredAt.toISOString()).toBe('2026-03-02T22:40:12.123Z');
  });

  it('keeps text, sub-code, location and the ETA', () => {
    const failure = update?.events.find((e) => e.rawCode === 'failure');
    expect(failure).toMatchObject({ description: 'Clearance delay - Import', rawSubCode: 'CLEARANCE DELAY', location: 'LEIPZIG - GERMANY, 04435, DE' });
    expect(update?.estimatedDeliveryAt?.toISOString()).toBe('2026-03-04T18:00:00.000Z');
    expect(update?.summary).toEqual({ status: S.UNKNOWN, reason: null, rawCode: 'hold-at-depot' });
  });

  it('folds to the exception: unknown codes after it do not replace it', () => {
    expect(foldStatus(initialTrackingState(), update?.events ?? []).next).toMatchObject({ status: S.EXCEPTION, exceptionReason: R.OTHER });
  });

  it('makes a delivered shipment flagged as a return RETURNED', () => {
    const ret = mapDhlShipment(json('dhl/fixtures/track-response-returned.json'), '00340434292135100186', pull('dhl-main'));
    expect(ret?.events.map((e) => e.status)).toEqual([S.IN_TRANSIT, S.RETURNED]);
    expect(ret?.estimatedDeliveryAt).toBeUndefined();
  });

  it('finds a shipment by number, case-insensitively, or null', () => {
    expect(mapDhlShipment(json('dhl/fixtures/track-response.json'), ' 7777777770', pull('d'))?.trackingNumber).toBe('7777777770');
    expect(mapDhlShipment(json('dhl/fixtures/track-response.json'), 'NOPE', pull('d'))).toBeNull();
  });

  it('refuses a malformed body with a reason naming the path', () => {
    expect(payloadError(() => mapDhlResponse(json('dhl/fixtures/problem-404.json'), pull('d'))).message).toBe('DHL payload: shipments: must be an array');
    const bad = { shipments: [{ id: 'X', events: [{ timestamp: 'soon', statusCode: 'transit' }] }] };
    const err = payloadError(() => mapDhlResponse(bad, pull('d')));
    expect(err.path).toBe('shipments[0].events[0].timestamp');
    expect(err.reason).toMatch(/not a date-time/);
    expect(payloadError(() => mapDhlResponse('[]', pull('d'))).reason).toBe('must be an object');
  });
});

describe('mapKuaidi100Query / mapKuaidi100Push', () => {
  const queried = mapKuaidi100Query(json('kuaidi100/fixtures/query-response.json'), pull('kd100'));
  const pushed = mapKuaidi100Push(fixture('kuaidi100/fixtures/push-param.json'), push('kd100'));

  it('maps detailed codes, base states given as codes, and unknown codes', () => {
    expect(queried.events.map((e) => [e.rawCode, e.status, e.reason])).toEqual([
      ['103', S.PICKED_UP, null],
      ['1002', S.IN_TRANSIT, null],
      ['201', S.EXCEPTION, R.DELAYED],
      ['999', S.UNKNOWN, null],
      ['5', S.OUT_FOR_DELIVERY, null],
      ['301', S.DELIVERED, null],
    ]);
    expect(queried.summary).toEqual({ status: S.DELIVERED, reason: null, rawCode: '3' });
  });

  it('reads times as China time (+08:00), flagged as assumed', () => {
    const first = queried.events[0];
    expect(first?.rawTime).toBe('2026-03-01 17:02:33');
    expect(first?.occurredAt.toISOString()).toBe('2026-03-01T09:02:33.000Z');
    expect(first?.offsetAssumed).toBe(true);
    expect(first?.location).toBe('广东省,深圳市,南山区');
    expect(first?.rawSubCode).toBe('揽收');
  });

  it('gives the same events by pull and by push (only the source differs)', () => {
    const strip = (e: (typeof queried.events)[number]) => ({ ...e, source: null });
    expect(pushed.events.map(strip)).toEqual(queried.events.map(strip));
    expect(pushed.events.every((e) => e.source === TrackingSource.PUSH)).toBe(true);
    expect(pushed.pushStatus).toBe('shutdown');
    expect(pushed.trackingStopped).toBeUndefined();
  });

  it('makes a pushed full history a no-op once stored', () => {
    const first = foldStatus(initialTrackingState(), queried.events);
    const again = foldStatus(first.next, pushed.events, { knownEventKeys: new Set(first.newEvents.map((e) => e.key)) });
    expect(again).toMatchObject({ changed: false, duplicates: 6 });
    expect(first.next.status).toBe(S.DELIVERED);
  });

  it('maps base status names when there is no detailed code', () => {
    const body = { nu: 'N1', state: '14', data: [{ ftime: '2026-03-01 10:00:00', context: '拒签', status: '拒签' }, { ftime: '2026-03-01 09:00:00', context: '转投', status: '转投' }] };
    expect(mapKuaidi100Query(body, pull('k')).events.map((e) => [e.status, e.reason])).toEqual([
      [S.IN_TRANSIT, R.CARRIER_HANDOVER],
      [S.RETURNED, R.REFUSED],
    ]);
  });

  it('reports abort as tracking stopped, with the partner message', () => {
    const aborted = mapKuaidi100Push(JSON.parse(fixture('kuaidi100/fixtures/push-abort-param.json')), push('k'));
    expect(aborted).toMatchObject({ pushStatus: 'abort', trackingStopped: { reason: '3天查询无记录' }, events: [] });
  });

  it('recognises the error inside HTTP 200 and refuses to map it', () => {
    const error = json('kuaidi100/fixtures/query-error.json');
    expect(kuaidi100QueryError(error)).toEqual({ returnCode: '500', message: '查询无结果，请隔段时间再查' });
    expect(kuaidi100QueryError(json('kuaidi100/fixtures/query-response.json'))).toBeNull();
    expect(payloadError(() => mapKuaidi100Query(error, pull('k'))).reason).toMatch(/query error 500/);
  });

  it('refuses malformed params with the reason', () => {
    expect(payloadError(() => mapKuaidi100Push('{"status":', push('k'))).reason).toMatch(/^not valid JSON/);
    expect(payloadError(() => mapKuaidi100Push('{"status":"polling"}', push('k'))).path).toBe('param.lastResult');
    expect(payloadError(() => mapKuaidi100Push('{"status":"polling","lastResult":{"nu":"1","data":[{"ftime":"03/01 10:00"}]}}', push('k'))).path).toBe(
      'param.lastResult.data[0].ftime',
    );
  });
});

describe('mapAfterShipWebhook', () => {
  const update = mapAfterShipWebhook(json('aftership/fixtures/webhook.json'), push('as'));

  it('maps tags and exception subtags; unknown tags are UNKNOWN with the raw tag kept', () => {
    expect(update.events.map((e) => [e.rawCode, e.rawSubCode, e.status, e.reason])).toEqual([
      ['InfoReceived', 'InfoReceived_001', S.INFO_RECEIVED, null],
      ['InTransit', 'InTransit_002', S.IN_TRANSIT, null],
      ['Exception', 'Exception_003', S.EXCEPTION, R.REFUSED],
      ['Exception', 'Exception_004', S.EXCEPTION, R.CUSTOMS],
      ['Exception', 'Exception_011', S.EXCEPTION, R.OTHER],
      ['Teleported', 'Teleported_001', S.UNKNOWN, null],
    ]);
  });

  it('reads offset-less checkpoint times as UTC, flagged; builds a location from city and country', () => {
    const pickedUp = update.events[1];
    expect(pickedUp?.occurredAt.toISOString()).toBe('2026-03-01T18:30:00.000Z');
    expect(pickedUp?.offsetAssumed).toBe(true);
    expect(pickedUp?.location).toBe('MEMPHIS, USA');
    expect(update.events[0]?.location).toBe('MEMPHIS, TN, US');
  });

  it('keeps the ETA, the event id and the summary', () => {
    expect(update.estimatedDeliveryAt?.toISOString()).toBe('2026-03-06T22:00:00.000Z');
    expect(update.eventId).toBe('b3a35d4c-0bde-4e44-9a1e-0f7a0d3f2f11');
    expect(update.summary).toEqual({ status: S.EXCEPTION, reason: R.CUSTOMS, rawCode: 'Exception' });
    expect(foldStatus(initialTrackingState(), update.events).next).toMatchObject({ status: S.EXCEPTION, exceptionReason: R.OTHER });
  });

  it('marks Expired as tracking stopped', () => {
    const body = { msg: { tracking_number: 'X', tag: 'Expired', subtag: 'Expired_001', subtag_message: 'No further updates', checkpoints: [] } };
    expect(mapAfterShipWebhook(body, push('as')).trackingStopped).toEqual({ reason: 'No further updates' });
  });

  it('refuses a body without a tracking number', () => {
    expect(payloadError(() => mapAfterShipWebhook({ msg: { checkpoints: [] } }, push('as'))).path).toBe('msg.tracking_number');
  });
});

describe('mapGenericPush', () => {
  const update = mapGenericPush(json('generic/fixtures/push.json'), push('gen'));

  it('maps our own vocabulary, sorts oldest first, keeps code, reason and ETA', () => {
    expect(update.partnerKind).toBe(PartnerKind.GENERIC);
    expect(update.events.map((e) => [e.status, e.reason, e.rawCode])).toEqual([
      [S.PICKED_UP, null, S.PICKED_UP],
      [S.IN_TRANSIT, R.DELAYED, 'LH-DLY'],
    ]);
    expect(update.estimatedDeliveryAt?.toISOString()).toBe('2026-03-05T04:00:00.000Z');
  });

  it('identifies an event by its id when given: a corrected resend (other time, other text) is a replay', () => {
    const again = mapGenericPush(
      { trackingNumber: 'GX-42', events: [{ id: 'evt-2', occurredAt: '2026-03-02T08:05:00+08:00', status: 'IN_TRANSIT', description: 'corrected text' }] },
      push('gen'),
    );
    expect(again.events[0]?.key).toBe(update.events[1]?.key);
  });

  it('refuses unknown statuses and reasons, offset-less times and missing fields, naming the field', () => {
    const base = { occurredAt: '2026-03-01T00:00:00Z', status: 'IN_TRANSIT' };
    const cases: Array<[unknown, string, RegExp]> = [
      [{ trackingNumber: 'X', events: [{ ...base, status: 'LOST_IN_SPACE' }] }, 'events[0].status', /unknown status/],
      [{ trackingNumber: 'X', events: [{ ...base, reason: 'BORED' }] }, 'events[0].reason', /unknown reason/],
      [{ trackingNumber: 'X', events: [{ ...base, occurredAt: '2026-03-01 10:00:00' }] }, 'events[0].occurredAt', /offset/],
      [{ trackingNumber: '', events: [] }, 'trackingNumber', /empty/],
      [{ trackingNumber: 'X' }, 'events', /array/],
    ];
    for (const [body, path, reason] of cases) {
      const err = payloadError(() => mapGenericPush(body, push('gen')));
      expect(err.path).toBe(path);
      expect(err.reason).toMatch(reason);
    }
  });
});
