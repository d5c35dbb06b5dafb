/**
 * The partner simulator's scripted shipments. Each step is written in the partner's own codes
 * and says which canonical status (and reason) the hub must make of it, so tests can check the
 * whole path: simulator → partner format → mapper → status model.
 */
import { ExceptionReason, PartnerKind, ShipmentStatus } from '../../tracking.js';

export interface ScriptLocation {
  city: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  postalCode?: string;
}

export interface ScriptStep {
  /** Simulated minutes after the shipment's timeline starts. */
  atMin: number;
  /** The partner's code: DHL `statusCode`, Kuaidi100 `statusCode`, AfterShip `tag`, generic `status`. */
  code: string;
  /** DHL `status` text, Kuaidi100 status name (在途…), AfterShip `subtag`, generic `reason`. */
  subCode?: string;
  /** Kuaidi100 only: the base `state` (0–14) the shipment is in after this step. */
  state?: string;
  description: string;
  location: ScriptLocation;
  /** Render the time without a UTC offset (DHL, AfterShip): the hub must assume one. */
  offsetless?: boolean;
  /** DHL only: from this step on the shipment carries `returnFlag: true`. */
  returnFlag?: boolean;
  /** What the hub must map the step to. */
  expect: { status: ShipmentStatus; reason: ExceptionReason | null };
}

export interface ScriptedShipment {
  partner: PartnerKind;
  trackingNumber: string;
  /** Kuaidi100 `com`, AfterShip `slug`, DHL `service`. */
  carrier: string;
  story: string;
  /** Estimated delivery, simulated minutes after the timeline starts. */
  etaMin?: number;
  /** Kuaidi100: from this minute on, pushes say `abort` (the partner gave up tracking). */
  abortAtMin?: number;
  steps: ScriptStep[];
}

const S = ShipmentStatus;
const R = ExceptionReason;
const SH: ScriptLocation = { city: 'Shanghai', country: 'CN', postalCode: '200000' };
const SZ: ScriptLocation = { city: '深圳市', country: 'CN', postalCode: '518000' };
const GZ: ScriptLocation = { city: '广州市', country: 'CN', postalCode: '510000' };
const BJ: ScriptLocation = { city: '北京市', country: 'CN', postalCode: '100000' };
const HZ: ScriptLocation = { city: '杭州市', country: 'CN', postalCode: '310000' };
const LEJ: ScriptLocation = { city: 'Leipzig', country: 'DE', postalCode: '04109' };
const FRA: ScriptLocation = { city: 'Frankfurt am Main', country: 'DE', postalCode: '60311' };
const MEM: ScriptLocation = { city: 'Memphis', country: 'US', postalCode: '38118' };
const NYC: ScriptLocation = { city: 'New York', country: 'US', postalCode: '10001' };
const RTM: ScriptLocation = { city: 'Rotterdam', country: 'NL', postalCode: '3011' };

const ok = (status: ShipmentStatus) => ({ status, reason: null });

/** The default script: every partner, with an exception, a delay, deliveries, a return and unknown codes. */
export function defaultScript(): ScriptedShipment[] {
  return [
    {
      partner: PartnerKind.DHL,
      trackingNumber: 'JD014600006281230704',
      carrier: 'express',
      story: 'Shanghai → Frankfurt, delivered on time (one offset-less timestamp)',
      etaMin: 1500,
      steps: [
        { atMin: 0, code: 'pre-transit', subCode: 'Shipment information received', description: 'Shipment information received', location: SH, expect: ok(S.INFO_RECEIVED) },
        { atMin: 45, code: 'transit', subCode: 'Processed', description: 'Processed at SHANGHAI - CHINA MAINLAND', location: SH, expect: ok(S.IN_TRANSIT) },
        { atMin: 240, code: 'transit', subCode: 'Departed', description: 'Departed Facility in SHANGHAI - CHINA MAINLAND', location: SH, offsetless: true, expect: ok(S.IN_TRANSIT) },
        { atMin: 720, code: 'transit', subCode: 'Arrived', description: 'Arrived at DHL Sort Facility LEIPZIG - GERMANY', location: LEJ, expect: ok(S.IN_TRANSIT) },
        { atMin: 1320, code: 'transit', subCode: 'With courier', description: 'Shipment is out with courier for delivery', location: FRA, expect: ok(S.IN_TRANSIT) },
        { atMin: 1440, code: 'delivered', subCode: 'Delivered', description: 'Delivered - Signed for by: WAGNER', location: FRA, expect: ok(S.DELIVERED) },
      ],
    },
    {
      partner: PartnerKind.DHL,
      trackingNumber: 'JD014600006281230705',
      carrier: 'express',
      story: 'held at customs (exception), cleared, delivered',
      etaMin: 1600,
      steps: [
        { atMin: 0, code: 'pre-transit', subCode: 'Shipment information received', description: 'Shipment information received', location: SH, expect: ok(S.INFO_RECEIVED) },
        { atMin: 60, code: 'transit', subCode: 'Processed', description: 'Processed at SHANGHAI - CHINA MAINLAND', location: SH, expect: ok(S.IN_TRANSIT) },
        { atMin: 600, code: 'failure', subCode: 'Clearance delay', description: 'Clearance delay - Import documents required', location: LEJ, expect: { status: S.EXCEPTION, reason: R.OTHER } },
        { atMin: 1200, code: 'transit', subCode: 'Cleared', description: 'Customs status updated - Clearance complete', location: LEJ, expect: ok(S.IN_TRANSIT) },
        { atMin: 1500, code: 'delivered', subCode: 'Delivered', description: 'Delivered - Signed for by: KOCH', location: FRA, expect: ok(S.DELIVERED) },
      ],
    },
    {
      partner: PartnerKind.DHL,
      trackingNumber: 'JD014600006281230706',
      carrier: 'express',
      story: 'refused by the recipient, returned to the shipper (delivered with returnFlag → RETURNED)',
      steps: [
        { atMin: 0, code: 'pre-transit', subCode: 'Shipment information received', description: 'Shipment information received', location: SH, expect: ok(S.INFO_RECEIVED) },
        { atMin: 60, code: 'transit', subCode: 'Processed', description: 'Processed at SHANGHAI - CHINA MAINLAND', location: SH, expect: ok(S.IN_TRANSIT) },
        { atMin: 400, code: 'failure', subCode: 'Refused', description: 'Delivery refused by the recipient', location: RTM, expect: { status: S.EXCEPTION, reason: R.OTHER } },
        { atMin: 500, code: 'transit', subCode: 'Returned to shipper', description: 'Returned to shipper - in transit', location: RTM, returnFlag: true, expect: ok(S.IN_TRANSIT) },
        { atMin: 1300, code: 'delivered', subCode: 'Delivered', description: 'Delivered to shipper', location: SH, expect: ok(S.RETURNED) },
      ],
    },
    {
      partner: PartnerKind.DHL,
      trackingNumber: 'JD014600006281230707',
      carrier: 'express',
      story: 'brand new: 404 for the first 20 minutes, then unknown codes that must not move the status',
      steps: [
        { atMin: 20, code: 'pre-transit', subCode: 'Shipment information received', description: 'Shipment information received', location: MEM, expect: ok(S.INFO_RECEIVED) },
        { atMin: 90, code: 'unknown', subCode: 'Status not available', description: 'Status not available', location: MEM, expect: ok(S.UNKNOWN) },
        { atMin: 200, code: 'hold-at-location', subCode: 'Held', description: 'Held at location per request', location: MEM, offsetless: true, expect: ok(S.UNKNOWN) },
        { atMin: 300, code: 'transit', subCode: 'Departed', description: 'Departed Facility in MEMPHIS - USA', location: MEM, expect: ok(S.IN_TRANSIT) },
      ],
    },
    {
      partner: PartnerKind.KUAIDI100,
      trackingNumber: 'SF1400000000001',
      carrier: 'shunfeng',
      story: '顺丰: delayed in transit (exception DELAYED), then out for delivery and signed',
      steps: [
        { atMin: 0, code: '101', subCode: '下单', state: '1', description: '商家已下单，等待顺丰揽收', location: SZ, expect: ok(S.INFO_RECEIVED) },
        { atMin: 30, code: '103', subCode: '揽收', state: '1', description: '顺丰速运 已收取快件', location: SZ, expect: ok(S.PICKED_UP) },
        { atMin: 120, code: '1002', subCode: '在途', state: '0', description: '快件已发车，离开【深圳宝安集散中心】', location: SZ, expect: ok(S.IN_TRANSIT) },
        { atMin: 600, code: '201', subCode: '疑难', state: '2', description: '因天气原因，快件延误，预计晚到', location: GZ, expect: { status: S.EXCEPTION, reason: R.DELAYED } },
        { atMin: 900, code: '1002', subCode: '在途', state: '0', description: '快件到达【北京顺义集散中心】', location: BJ, expect: ok(S.IN_TRANSIT) },
        { atMin: 1100, code: '5', subCode: '派件', state: '5', description: '快递员正在为您派件，电话：13800000000', location: BJ, expect: ok(S.OUT_FOR_DELIVERY) },
        { atMin: 1200, code: '301', subCode: '签收', state: '3', description: '您的快件已签收，签收人：本人', location: BJ, expect: ok(S.DELIVERED) },
      ],
    },
    {
      partner: PartnerKind.KUAIDI100,
      trackingNumber: 'YT9100000000002',
      carrier: 'yuantong',
      story: '圆通: refused at the door, returning, returned to sender',
      steps: [
        { atMin: 0, code: '103', subCode: '揽收', state: '1', description: '【杭州市】圆通速递 已揽收', location: HZ, expect: ok(S.PICKED_UP) },
        { atMin: 60, code: '1002', subCode: '在途', state: '0', description: '快件已发往【上海转运中心】', location: SH, expect: ok(S.IN_TRANSIT) },
        { atMin: 500, code: '5', subCode: '派件', state: '5', description: '快件正在派送中', location: SH, expect: ok(S.OUT_FOR_DELIVERY) },
        { atMin: 560, code: '203', subCode: '疑难', state: '2', description: '收件人拒收', location: SH, expect: { status: S.EXCEPTION, reason: R.REFUSED } },
        { atMin: 620, code: '6', subCode: '退回', state: '6', description: '快件退回中，退回原因：收件人拒收', location: SH, expect: ok(S.RETURNING) },
        { atMin: 1400, code: '4', subCode: '退签', state: '4', description: '快件已退回寄件人并签收', location: HZ, expect: ok(S.RETURNED) },
      ],
    },
    {
      partner: PartnerKind.KUAIDI100,
      trackingNumber: 'ZT7300000000003',
      carrier: 'zhongtong',
      story: '中通: an unknown code, then stalled; Kuaidi100 gives up tracking (abort)',
      abortAtMin: 900,
      steps: [
        { atMin: 0, code: '103', subCode: '揽收', state: '1', description: '【广州市】中通快递 已揽收', location: GZ, expect: ok(S.PICKED_UP) },
        { atMin: 100, code: '1002', subCode: '在途', state: '0', description: '快件已到达【广州中心】', location: GZ, expect: ok(S.IN_TRANSIT) },
        { atMin: 200, code: '999', subCode: '其他', state: '0', description: '快件状态更新', location: GZ, expect: ok(S.UNKNOWN) },
        { atMin: 400, code: '202', subCode: '疑难', state: '2', description: '快件长时间未更新，已联系网点核实', location: GZ, expect: { status: S.EXCEPTION, reason: R.STALLED } },
      ],
    },
    {
      partner: PartnerKind.AFTERSHIP,
      trackingNumber: 'AS7700000000008',
      carrier: 'fedex',
      story: 'AfterShip/FedEx: customs exception, a failed attempt, delivered',
      etaMin: 1400,
      steps: [
        { atMin: 0, code: 'InfoReceived', subCode: 'InfoReceived_001', description: 'Shipment information sent to FedEx', location: MEM, expect: ok(S.INFO_RECEIVED) },
        { atMin: 60, code: 'InTransit', subCode: 'InTransit_002', description: 'Picked up', location: MEM, offsetless: true, expect: ok(S.IN_TRANSIT) },
        { atMin: 500, code: 'Exception', subCode: 'Exception_004', description: 'Clearance delay - Import', location: NYC, expect: { status: S.EXCEPTION, reason: R.CUSTOMS } },
        { atMin: 900, code: 'InTransit', subCode: 'InTransit_007', description: 'International shipment release - Import', location: NYC, expect: ok(S.IN_TRANSIT) },
        { atMin: 1100, code: 'OutForDelivery', subCode: 'OutForDelivery_001', description: 'On FedEx vehicle for delivery', location: NYC, expect: ok(S.OUT_FOR_DELIVERY) },
        { atMin: 1150, code: 'AttemptFail', subCode: 'AttemptFail_002', description: 'Customer not available or business closed', location: NYC, expect: ok(S.DELIVERY_FAILED) },
        { atMin: 1400, code: 'Delivered', subCode: 'Delivered_001', description: 'Delivered', location: NYC, expect: ok(S.DELIVERED) },
      ],
    },
    {
      partner: PartnerKind.GENERIC,
      trackingNumber: 'GX-2026-000001',
      carrier: 'generic',
      story: 'generic partner: delayed in transit, ready for pickup, delivered',
      etaMin: 1200,
      steps: [
        { atMin: 0, code: 'INFO_RECEIVED', description: 'Order transmitted', location: GZ, expect: ok(S.INFO_RECEIVED) },
        { atMin: 60, code: 'PICKED_UP', description: 'Picked up from the supplier', location: GZ, expect: ok(S.PICKED_UP) },
        { atMin: 300, code: 'IN_TRANSIT', description: 'Line haul departed', location: GZ, expect: ok(S.IN_TRANSIT) },
        { atMin: 700, code: 'IN_TRANSIT', subCode: 'DELAYED', description: 'Line haul delayed by congestion', location: HZ, expect: { status: S.IN_TRANSIT, reason: R.DELAYED } },
        { atMin: 1000, code: 'AVAILABLE_FOR_PICKUP', description: 'Ready for pickup at the distributor depot', location: SH, expect: ok(S.AVAILABLE_FOR_PICKUP) },
        { atMin: 1300, code: 'DELIVERED', description: 'Collected by the distributor', location: SH, expect: ok(S.DELIVERED) },
      ],
    },
  ];
}

/** Country codes the script uses, alpha-2 → alpha-3 (AfterShip's `country_iso3`). */
export const ISO3: Readonly<Record<string, string>> = { CN: 'CHN', DE: 'DEU', US: 'USA', NL: 'NLD' };
