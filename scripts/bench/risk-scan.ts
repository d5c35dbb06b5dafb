/**
 * Time and SQL statements of the early-warning scan over a synthetic portfolio with shipments:
 * the first scan (which raises what it finds) and a repeat (which finds nothing to change).
 *   npm run bench:risk-scan [-- --clients 5000 --shipments 20000]
 * Uses DATABASE_URL (a scratch database is created and dropped) or the embedded database.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config.js';
import { createScratchDatabase } from '../../src/db/scratch.js';
import { initOrm, migrate } from '../../src/db/orm.js';
import { seedSynthetic } from '../../src/demo/synthetic.js';
import { alertThresholds } from '../../src/risk/alert.rules.js';
import { RiskScanService } from '../../src/risk/alert.scan.js';

const { values } = parseArgs({ options: { clients: { type: 'string', default: '5000' }, shipments: { type: 'string', default: '20000' } } });
const clients = Number(values.clients);
const shipments = Number(values.shipments);

const scratch = await createScratchDatabase(process.env.DATABASE_URL, 4);
const orm = await initOrm(scratch.target);
try {
  await migrate(orm);
  let t = Date.now();
  await seedSynthetic(orm.em.fork(), { clients });
  const em = orm.em.fork();
  // Shipments of core enterprises, expected from 20 days ago to 10 days ahead, in every state;
  // one in ten in exception. A logistics provider linked to each core carries them.
  await em.execute(`insert into logistics_partner (id, code, kind, name, poll_interval_seconds) values (gen_random_uuid(), 'bench', 'GENERIC', 'Bench', 600)`);
  await em.execute(
    `insert into shipment (id, partner_id, tracking_number, client_id, expected_delivery_at, status, created_at)
     select gen_random_uuid(), (select id from logistics_partner where code = 'bench'), 'BENCH' || g, c.id,
            now() + ((g % 30) - 20) * interval '1 day',
            (array['IN_TRANSIT','IN_TRANSIT','DELIVERED','DELIVERED','DELIVERED','OUT_FOR_DELIVERY','PENDING','PICKED_UP','DELIVERED','EXCEPTION'])[1 + g % 10],
            now() - (g % 200) * interval '1 day'
       from generate_series(1, ?) g
       join lateral (select id from client where kind = 'CORE_ENTERPRISE' order by id offset (g % greatest(1, (select count(*) from client where kind = 'CORE_ENTERPRISE'))) limit 1) c on true`,
    [shipments],
  );
  const [counts] = await em.execute<{ shipments: number; complaints: number; providers: number }[]>(
    `select (select count(*) from shipment)::int as shipments,
            (select count(*) from feedback where kind = 'COMPLAINT' and status <> 'RESOLVED')::int as complaints,
            (select count(*) from client where kind = 'LOGISTICS_PROVIDER')::int as providers`,
  );
  console.log(`seeded ${clients} clients, ${counts!.shipments} shipments, ${counts!.complaints} open complaints, ${counts!.providers} logistics providers in ${Date.now() - t} ms on ${scratch.describe}`);

  let statements = 0;
  orm.em
    .getConnection()
    .getKnex()
    .on('query', () => statements++);
  const thresholds = alertThresholds(loadConfig({}));
  for (const run of ['first scan', 'repeat']) {
    statements = 0;
    t = performance.now();
    const result = await new RiskScanService(orm.em.fork()).scan(thresholds);
    const ms = performance.now() - t;
    const changes = result.rules.map((r) => `${r.kind} +${r.raised}/↑${r.escalated}/✓${r.resolved}${r.error ? ` ERROR ${r.error}` : ''}`).join(', ');
    console.log(`${run}: ${ms.toFixed(0)} ms, ${statements} SQL statements — ${changes}`);
  }
} finally {
  await orm.close(true);
  await scratch.drop();
}
