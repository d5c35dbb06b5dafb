/**
 * The read path's plain rows (src/db/rows.ts) hold what the ORM's entities hold: for every entity
 * of the demo portfolio, each row read as a plain object equals the same row hydrated by
 * MikroORM, property by property (references by id).
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReferenceKind } from '@mikro-orm/core';
import { ENTITIES } from '../src/db/entities.js';
import { readRows, rowShape } from '../src/db/rows.js';
import { seedDemoIfEmpty } from '../src/demo/demo.js';
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
