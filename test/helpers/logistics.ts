import { randomBytes } from 'node:crypto';
import { usccFromNumber } from '../../src/clients/uscc.js';
import type { Logger } from 'pino';
import type { RawConfig } from '../../src/config.js';
import { genericPushHeaders } from '../../src/logistics/partners/generic/generic.signature.js';
import { startTestHub, type TestHub } from './hub.js';

/** A test hub that can store partner secrets. */
export function startLogisticsHub(overrides: Partial<RawConfig> = {}, opts: { log?: Logger } = {}): Promise<TestHub> {
  return startTestHub({ SECRETS_KEY: randomBytes(32).toString('base64'), ...overrides }, opts);
}

let serial = 0;
/** Creates a client through the API (a SUPPLIER in RETAIL unless `input` says otherwise); returns its id. */
export async function createClient(hub: TestHub, input: Record<string, unknown> = {}): Promise<string> {
  // Each test file has a database of its own: a per-file serial keeps codes unique.
  const n = 700_000 + ++serial;
  const kind = (input.kind as string | undefined) ?? 'SUPPLIER';
  const data = await hub.ok<{ createClient: { id: string } }>(`mutation($input: CreateClientInput!) { createClient(input: $input) { id } }`, {
    input: { name: `Test ${kind} ${n}`, kind, industry: 'RETAIL', unifiedSocialCreditCode: usccFromNumber(n), ...input },
  });
  return data.createClient.id;
}

export interface PartnerRow {
  id: string;
  code: string;
  hasCredentials: boolean;
  hasWebhookSecret: boolean;
}

export async function registerPartner(hub: TestHub, input: Record<string, unknown>): Promise<PartnerRow> {
  const data = await hub.ok<{ registerLogisticsPartner: PartnerRow }>(
    `mutation($input: RegisterLogisticsPartnerInput!) { registerLogisticsPartner(input: $input) { id code hasCredentials hasWebhookSecret } }`,
    { input },
  );
  return data.registerLogisticsPartner;
}

export interface ShipmentRow {
  id: string;
  trackingNumber: string;
  status: string;
  exceptionReason: string | null;
  estimatedDeliveryAt: string | null;
  nextPollAt: string | null;
  events: { status: string; rawCode: string | null; description: string; occurredAt: string; source: string }[];
}

export const SHIPMENT_FIELDS = 'id trackingNumber status exceptionReason estimatedDeliveryAt nextPollAt events { status rawCode description occurredAt source }';

export async function registerShipment(hub: TestHub, input: Record<string, unknown>): Promise<ShipmentRow> {
  const data = await hub.ok<{ registerShipment: ShipmentRow }>(
    `mutation($input: RegisterShipmentInput!) { registerShipment(input: $input) { ${SHIPMENT_FIELDS} } }`,
    { input },
  );
  return data.registerShipment;
}

export async function getShipment(hub: TestHub, id: string, key?: string): Promise<ShipmentRow | null> {
  const data = await hub.ok<{ shipment: ShipmentRow | null }>(`query($id: ID!) { shipment(id: $id) { ${SHIPMENT_FIELDS} } }`, { id }, key);
  return data.shipment;
}

/** POSTs raw bytes to `/webhooks/:code`. */
export async function postWebhook(hub: TestHub, code: string, body: string, headers: Record<string, string>): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${hub.baseUrl}/webhooks/${encodeURIComponent(code)}`, { method: 'POST', headers, body });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, json };
}

/** A signed generic push. */
export function genericPush(secret: string, body: unknown, nowMs = Date.now()): { body: string; headers: Record<string, string> } {
  const text = JSON.stringify(body);
  return { body: text, headers: { 'content-type': 'application/json', ...genericPushHeaders(text, secret, nowMs) } };
}

/** Rows of a table (raw SQL, through the hub's ORM). */
export async function sql<T>(hub: TestHub, query: string, params: unknown[] = []): Promise<T[]> {
  return hub.orm.em.fork().getConnection().execute<T[]>(query, params, 'all');
}
