/**
 * Kuaidi100 (快递100): query response and subscription push → canonical update. Pure.
 *
 * The query answer and the push's `lastResult` have the same shape (`{ state, ischeck, com,
 * nu, data: [...] }`), so both go through `mapKuaidi100Result` and give identical events.
 * Times are China local time without offset (+08:00, flagged as assumed).
 */
import { CHINA_OFFSET_MINUTES, ExceptionReason, PartnerKind, ShipmentStatus, type TrackingUpdate } from '../../tracking.js';
import { joinLocation, makeEvent, oldestFirst, reader, type JsonObject, type MapContext } from '../common/payload.js';

const r = reader(PartnerKind.KUAIDI100);

type Mapped = readonly [ShipmentStatus, ExceptionReason | null];
const S = ShipmentStatus;
const R = ExceptionReason;

/** Base `state` (0–14) → status and reason. */
export const KUAIDI100_STATES: Readonly<Record<string, Mapped>> = {
  '0': [S.IN_TRANSIT, null],
  '1': [S.PICKED_UP, null],
  '2': [S.EXCEPTION, null],
  '3': [S.DELIVERED, null],
  '4': [S.RETURNED, null],
  '5': [S.OUT_FOR_DELIVERY, null],
  '6': [S.RETURNING, null],
  '7': [S.IN_TRANSIT, R.CARRIER_HANDOVER],
  '8': [S.IN_TRANSIT, R.CUSTOMS],
  '10': [S.IN_TRANSIT, R.CUSTOMS],
  '11': [S.IN_TRANSIT, R.CUSTOMS],
  '12': [S.IN_TRANSIT, R.CUSTOMS],
  '13': [S.EXCEPTION, R.CUSTOMS],
  '14': [S.RETURNED, R.REFUSED],
};

/** The base states' names as they appear in `data[].status`, for answers without `statusCode`. */
export const KUAIDI100_STATE_NAMES: Readonly<Record<string, string>> = {
  在途: '0',
  揽收: '1',
  疑难: '2',
  签收: '3',
  退签: '4',
  派件: '5',
  退回: '6',
  转投: '7',
  清关: '8',
  待清关: '10',
  清关中: '11',
  已清关: '12',
  清关异常: '13',
  拒签: '14',
};

/** Detailed `statusCode` (resultv2=4) → status and reason. */
export const KUAIDI100_STATUS_CODES: Readonly<Record<string, Mapped>> = {
  '101': [S.INFO_RECEIVED, null],
  '102': [S.INFO_RECEIVED, null],
  '103': [S.PICKED_UP, null],
  '1001': [S.IN_TRANSIT, null],
  '1002': [S.IN_TRANSIT, null],
  '1003': [S.IN_TRANSIT, R.REDIRECTED],
  '501': [S.AVAILABLE_FOR_PICKUP, null],
  '301': [S.DELIVERED, null],
  '302': [S.DELIVERED, null],
  '303': [S.DELIVERED, null],
  '304': [S.DELIVERED, null],
  '401': [S.CANCELLED, null],
  '210': [S.CANCELLED, null],
  '201': [S.EXCEPTION, R.DELAYED],
  '202': [S.EXCEPTION, R.STALLED],
  '203': [S.EXCEPTION, R.REFUSED],
  '204': [S.DELIVERY_FAILED, null],
  '205': [S.EXCEPTION, R.NOT_COLLECTED],
  '206': [S.DELIVERY_FAILED, R.RECIPIENT_UNREACHABLE],
  '207': [S.EXCEPTION, R.ADDRESS_ISSUE],
  '208': [S.EXCEPTION, R.HELD],
  '209': [S.EXCEPTION, R.DAMAGED],
};

/**
 * A detailed code first; a base state given as the code next (some carriers report only the
 * base state); then the status name; anything else is UNKNOWN with its raw code kept.
 */
export function kuaidi100Status(statusCode: string | null, statusName: string | null): Mapped {
  if (statusCode !== null) {
    const detailed = KUAIDI100_STATUS_CODES[statusCode] ?? KUAIDI100_STATES[statusCode];
    if (detailed) return detailed;
    return [S.UNKNOWN, null];
  }
  const base = statusName === null ? undefined : KUAIDI100_STATE_NAMES[statusName.trim()];
  return (base === undefined ? undefined : KUAIDI100_STATES[base]) ?? [S.UNKNOWN, null];
}

/** Maps a query answer or a push's `lastResult` (a parsed object). */
export function mapKuaidi100Result(result: unknown, ctx: MapContext, path = 'body'): TrackingUpdate {
  const o = r.obj(result, path);
  const trackingNumber = r.nonEmpty(o['nu'], `${path}.nu`);
  const data = r.arr(o['data'] ?? [], `${path}.data`);
  const events = data.map((v, i) => {
    const p = `${path}.data[${i}]`;
    const e = r.obj(v, p);
    // `ftime` is the formatted time, `time` the original; both are China local time.
    const rawTime = r.nonEmpty(e['ftime'] ?? e['time'], `${p}.ftime`);
    const { at, offsetAssumed } = r.time(rawTime, `${p}.ftime`, CHINA_OFFSET_MINUTES);
    const statusCode = r.optStr(e['statusCode'], `${p}.statusCode`);
    const statusName = r.optStr(e['status'], `${p}.status`);
    const [status, reason] = kuaidi100Status(statusCode === '' ? null : statusCode, statusName);
    return makeEvent(ctx, trackingNumber, {
      status,
      reason,
      rawCode: statusCode || statusName,
      rawSubCode: statusCode ? statusName : null,
      description: r.optStr(e['context'], `${p}.context`) ?? '',
      rawTime,
      occurredAt: at,
      offsetAssumed,
      location: joinLocation(r.optStr(e['areaName'], `${p}.areaName`) ?? r.optStr(e['location'], `${p}.location`)),
    });
  });
  const update: TrackingUpdate = { partnerKind: PartnerKind.KUAIDI100, trackingNumber, events: oldestFirst(events) };
  const state = r.optStr(o['state'], `${path}.state`);
  if (state !== null) {
    const [status, reason] = kuaidi100Status(state, null);
    update.summary = { status, reason, rawCode: state };
  }
  return update;
}

/** Fields of a query answer that mean "this is an error" (`{ result: false, returnCode, message }`). */
export function kuaidi100QueryError(body: unknown): { returnCode: string; message: string } | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const o = body as JsonObject;
  if (o['result'] === false || (o['returnCode'] !== undefined && String(o['returnCode']) !== '200')) {
    return { returnCode: String(o['returnCode'] ?? ''), message: typeof o['message'] === 'string' ? o['message'] : '' };
  }
  return null;
}

/** Maps a query answer (already checked not to be an error). */
export function mapKuaidi100Query(body: unknown, ctx: MapContext): TrackingUpdate {
  const err = kuaidi100QueryError(body);
  if (err) r.fail('body', `query error ${err.returnCode}: ${err.message}`);
  return mapKuaidi100Result(body, ctx, 'body');
}

/** The subscription's state as pushed: `polling`, `shutdown` (finished), `abort` (partner gave up), `updateall`. */
export type Kuaidi100PushStatus = 'polling' | 'shutdown' | 'abort' | 'updateall' | string;

/**
 * Maps a push callback's `param` (the JSON string of the form field, or its parsed object).
 * `lastResult.data` is the full history every time: the fold's event identity drops the repeats.
 */
export function mapKuaidi100Push(param: string | unknown, ctx: MapContext): TrackingUpdate & { pushStatus: Kuaidi100PushStatus } {
  const o = r.obj(typeof param === 'string' ? r.json(param, 'param') : param, 'param');
  const pushStatus = r.nonEmpty(o['status'], 'param.status');
  const message = r.optStr(o['message'], 'param.message') ?? '';
  const update = mapKuaidi100Result(o['lastResult'], ctx, 'param.lastResult');
  return {
    ...update,
    pushStatus,
    ...(pushStatus === 'abort' ? { trackingStopped: { reason: message || 'abort' } } : {}),
  };
}
