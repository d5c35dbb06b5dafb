/**
 * The read path's plain rows (src/db/rows.ts) hold what the ORM's entities hold: for every entity
 * of the demo portfolio, each row read as a plain object equals the same row hydrated by
 * MikroORM, property by property (references by id); and the lists and relations GraphQL
 * answers from rows are what the ORM's entities say.
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReferenceKind } from '@mikro-orm/core';
import { ENTITIES } from '../src/db/entities.js';
import { readRows, rowShape } from '../src/db/rows.js';
import { seedDemoIfEmpty } from '../src/demo/demo.js';
import { Alert } from '../src/risk/alert.entity.js';
import { Client } from '../src/clients/client.entity.js';
import { registerPartner, registerShipment } from './helpers/logistics.js';
import { BucketChange, Financing } from '../src/financing/financing.entity.js';
import { Shipment, TrackingEventRecord } from '../src/logistics/shipment.entity.js';
import { ShipmentStatus, TrackingSource } from '../src/logistics/tracking.js';
import { startTestHub, type TestHub } from './helpers/hub.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
  await seedDemoIfEmpty(hub.orm.em.fork());
}, 120_000);
afterAll(async () => {
  await hub?.close();
});

/** An entity's or a row's persisted properties, references as their ids, dates as ISO text. */
function plain(meta: { props: { name: string; kind: string; persist?: boolean; formula?: unknown }[] }, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const prop of meta.props) {
    if (prop.persist === false || prop.formula) continue;
    if (prop.kind !== ReferenceKind.SCALAR && prop.kind !== ReferenceKind.MANY_TO_ONE && prop.kind !== ReferenceKind.ONE_TO_ONE) continue;
    const v = value[prop.name];
    if (v instanceof Date) out[prop.name] = v.toISOString();
    else if (v && typeof v === 'object' && 'id' in v) out[prop.name] = (v as { id: unknown }).id;
    else out[prop.name] = v ?? null;
  }
  return out;
}

describe('plain rows', () => {
  it('equal the ORM entities for every entity of the demo portfolio', async () => {
    const em = hub.orm.em.fork();
    let compared = 0;
    for (const entity of ENTITIES as (new () => object)[]) {
      const meta = em.getMetadata().get(entity.name);
      const pk = meta.primaryKeys[0]!;
      const pkColumn = meta.properties[pk]!.fieldNames[0]!;
      const shape = rowShape(em, entity);
      const rows = await readRows(em, entity, `select {columns} from ${shape.table} t order by t."${pkColumn}" limit 200`);
      const entities = await em.fork().find(entity, {}, { orderBy: { [pk]: 'asc' }, limit: 200 } as never);
      expect(rows.map((r) => plain(meta, r as Record<string, unknown>)), entity.name).toEqual(
        entities.map((e) => plain(meta, e as unknown as Record<string, unknown>)),
      );
      compared += rows.length;
    }
    // The demo portfolio has rows in most tables: the comparison is not vacuous.
    expect(compared).toBeGreaterThan(500);
  });
});

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
type Edges<N> = { edges: { node: N }[] };

describe('GraphQL answers read from rows', () => {
  it('list shipments with their partner, client and events as the ORM has them', async () => {
    // The demo's shipments come with its simulator: track three here, with events.
    await registerPartner(hub, { code: 'rows-carrier', kind: 'GENERIC', name: 'Rows carrier' });
    const setup = hub.orm.em.fork();
    for (const c of await setup.find(Client, {}, { orderBy: { id: 'asc' }, limit: 3 })) {
      await registerShipment(hub, { partnerCode: 'rows-carrier', trackingNumber: `ROWS-${c.id.slice(0, 8)}`, clientId: c.id });
    }
    const moving = await setup.find(Shipment, {}, { orderBy: { id: 'asc' }, limit: 3 });
    expect(moving).toHaveLength(3);
    moving.forEach((shipment, i) => {
      for (let n = 0; n <= i; n++) {
        const at = new Date(Date.UTC(2026, 10, 20 + n, 8, i));
        setup.create(TrackingEventRecord, { shipment, key: `rows-${i}-${n}`, status: ShipmentStatus.IN_TRANSIT, description: `leg ${n}`, rawTime: at.toISOString(), occurredAt: at, offsetAssumed: false, source: TrackingSource.PUSH, receivedAt: at });
      }
    });
    await setup.flush();
    type Node = { id: string; trackingNumber: string; status: string; statusAt: string | null; partner: { code: string }; client: { id: string }; events: { key: string; status: string; occurredAt: string }[] };
    const { shipments } = await hub.ok<{ shipments: Edges<Node> }>(
      '{ shipments(first: 100) { edges { node { id trackingNumber status statusAt partner { code } client { id } events { key status occurredAt } } } } }',
    );
    const em = hub.orm.em.fork();
    const entities = await em.find(Shipment, {}, { populate: ['partner'], orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit: 100 });
    const events = await em.find(TrackingEventRecord, { shipment: { $in: entities.map((s) => s.id) } }, { orderBy: [{ occurredAt: 'asc' }, { receivedAt: 'asc' }, { id: 'asc' }] });
    expect(entities.length).toBeGreaterThan(0);
    expect(events.length).toBe(6);
    expect(shipments.edges.map((e) => e.node)).toEqual(
      entities.map((s) => ({
        id: s.id,
        trackingNumber: s.trackingNumber,
        status: s.status,
        statusAt: iso(s.statusAt),
        partner: { code: s.partner.code },
        client: { id: s.client.id },
        events: events.filter((e) => e.shipment.id === s.id).map((e) => ({ key: e.key, status: e.status, occurredAt: iso(e.occurredAt) })),
      })),
    );
  });

  it('list financings with their client and bucket history, and alerts with their client, as the ORM has them', async () => {
    type F = { id: string; amount: string; status: string; disbursedAt: string | null; client: { id: string; name: string }; bucketHistory: { id: string; toBucket: string; asOf: string }[] };
    const { financings } = await hub.ok<{ financings: Edges<F> }>(
      '{ financings(first: 100) { edges { node { id amount status disbursedAt client { id name } bucketHistory { id toBucket asOf } } } } }',
    );
    const em = hub.orm.em.fork();
    const deals = await em.find(Financing, {}, { populate: ['client'], orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit: 100 });
    const changes = await em.find(BucketChange, { financing: { $in: deals.map((f) => f.id) } }, { orderBy: [{ recordedAt: 'asc' }, { id: 'asc' }] });
    expect(deals.length).toBeGreaterThan(0);
    expect(changes.length).toBeGreaterThan(0);
    expect(financings.edges.map((e) => e.node)).toEqual(
      deals.map((f) => ({
        id: f.id,
        amount: f.amount,
        status: f.status,
        disbursedAt: iso(f.disbursedAt),
        client: { id: f.client.id, name: f.client.name },
        bucketHistory: changes.filter((b) => b.financing.id === f.id).map((b) => ({ id: b.id, toBucket: b.toBucket, asOf: b.asOf })),
      })),
    );

    type A = { id: string; kind: string; severity: string; raisedAt: string; client: { id: string } };
    const { alerts } = await hub.ok<{ alerts: Edges<A> }>('{ alerts(first: 100) { edges { node { id kind severity raisedAt client { id } } } } }');
    const raised = await em.find(Alert, {}, { orderBy: [{ raisedAt: 'desc' }, { id: 'desc' }], limit: 100 });
    expect(raised.length).toBeGreaterThan(0);
    expect(alerts.edges.map((e) => e.node)).toEqual(raised.map((a) => ({ id: a.id, kind: a.kind, severity: a.severity, raisedAt: iso(a.raisedAt), client: { id: a.client.id } })));
  });
});

describe('the financings list on rows', () => {
  type Page = { financings: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { id: string } }[] } };
  const LIST = `query($filter: FinancingFilter, $first: Int, $after: String) {
    financings(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`;

  it('filters as the ORM does, by every filter field, and counts what it filters', async () => {
    const em = hub.orm.em.fork();
    const all = await em.find(Financing, {}, { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    const held = all.find((f) => f.amlHold);
    const cases: [Record<string, unknown>, (f: Financing) => boolean][] = [
      [{ statuses: ['DISBURSED', 'OVERDUE'] }, (f) => ['DISBURSED', 'OVERDUE'].includes(f.status)],
      [{ products: ['RECEIVABLES_FACTORING'] }, (f) => f.product === 'RECEIVABLES_FACTORING'],
      [{ buckets: ['CURRENT'] }, (f) => f.recordedBucket === 'CURRENT'],
      [{ currency: 'CNY' }, (f) => f.currency === 'CNY'],
      [{ amlHold: false }, (f) => !f.amlHold],
      [{ clientIds: [all[0]!.client.id] }, (f) => f.client.id === all[0]!.client.id],
      [{ clientIds: [] }, () => false],
    ];
    if (held) cases.push([{ amlHold: true }, (f) => f.amlHold]);
    for (const [filter, keep] of cases) {
      const { financings } = await hub.ok<Page>(LIST, { filter, first: 100 });
      const expected = all.filter(keep).map((f) => f.id);
      expect(financings.edges.map((e) => e.node.id), JSON.stringify(filter)).toEqual(expected);
      expect(financings.totalCount, JSON.stringify(filter)).toBe(expected.length);
    }
  });

  it('pages through every deal once with after; the time-ordered lists refuse a forged cursor by name', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 50; i++) {
      const { financings }: Page = await hub.ok<Page>(LIST, { first: 3, after });
      seen.push(...financings.edges.map((e) => e.node.id));
      if (!financings.pageInfo.hasNextPage) break;
      after = financings.pageInfo.endCursor;
    }
    const all = await hub.orm.em.fork().find(Financing, {}, { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    expect(seen).toEqual(all.map((f) => f.id));
    const forged = Buffer.from(JSON.stringify(['not a time', 'not an id'])).toString('base64url');
    for (const list of ['financings', 'shipments', 'alerts']) {
      const res = await hub.gql(`query($after: String) { ${list}(first: 3, after: $after) { totalCount } }`, { after: forged });
      expect(res.body.errors?.[0]?.extensions?.code, list).toBe('BAD_USER_INPUT');
      expect(res.body.errors?.[0]?.message, list).toMatch(/after/);
    }
  });
});
