/**
 * SQL statements and latency of a page of clients with nested relations, by page size, through
 * the real HTTP server. Prints a table; the statement count must not grow with the page size.
 *   npm run bench [-- --clients 2000 --runs 30]
 * Uses DATABASE_URL (a scratch database is created and dropped) or the embedded database.
 */
import 'reflect-metadata';
import pino from 'pino';
import { parseArgs } from 'node:util';
import { generateKey } from '../../src/auth/api-key.service.js';
import { loadConfig } from '../../src/config.js';
import { createScratchDatabase } from '../../src/db/scratch.js';
import { initOrm, migrate } from '../../src/db/orm.js';
import { seedSynthetic } from '../../src/demo/synthetic.js';
import { startHub } from '../../src/hub.js';

const { values } = parseArgs({ options: { clients: { type: 'string', default: '2000' }, runs: { type: 'string', default: '30' } } });
const clients = Number(values.clients);
const runs = Number(values.runs);

const QUERY = `query($first: Int!) {
  clients(first: $first, orderBy: { field: NAME, direction: ASC }) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id name kind status industryVolatility
      suppliers { name } distributors { name } coreEnterprises { name } logisticsProviders { name }
      contacts { name }
      interactions(first: 3) { totalCount edges { node { kind summary occurredAt } } }
      feedback { kind score }
    } }
  }
}`;

const scratch = await createScratchDatabase(process.env.DATABASE_URL, 10);
try {
  {
    const orm = await initOrm(scratch.target);
    await migrate(orm);
    const t = Date.now();
    await seedSynthetic(orm.em.fork(), { clients });
    console.log(`seeded ${clients} clients in ${Date.now() - t} ms on ${scratch.describe}`);
    await orm.close(true);
  }
  const adminKey = generateKey();
  const config = loadConfig({}, { PORT: 0, ADMIN_API_KEY: adminKey, SEED_DEMO: false, LOG_LEVEL: 'silent' });
  config.seedDemo = false;
  const running = await startHub(config, pino({ level: 'silent' }), scratch.target);
  let statements = 0;
  // The outbox dispatcher's polls follow its timer, not the request.
  running.hub.orm.em
    .getConnection()
    .getKnex()
    .on('query', (q: { sql: string }) => {
      if (!/\bfrom outbox_event\b/.test(q.sql)) statements++;
    });
  const url = `${running.baseUrl}/graphql`;
  const post = async (first: number) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
      body: JSON.stringify({ query: QUERY, variables: { first } }),
    });
    const body = (await res.json()) as { errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
  };
  const rows: string[] = [];
  for (const first of [5, 20, 50, 100]) {
    await post(first); // warm-up
    const before = statements;
    await post(first);
    const perRequest = statements - before;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await post(first);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
    rows.push(`| ${first} | ${perRequest} | ${pct(0.5)} | ${pct(0.95)} |`);
  }
  console.log(`\nclients page with nested relations, ${runs} runs each (${scratch.describe.split(' ')[0]})\n`);
  console.log('| first | SQL statements | p50 ms | p95 ms |\n| ---: | ---: | ---: | ---: |');
  console.log(rows.join('\n'));
  await running.stop();
} finally {
  await scratch.drop();
}
