/**
 * Fails (exit 1) when the entities describe a schema the committed migrations do not build:
 * a migration is missing. Builds a scratch database (PostgreSQL when DATABASE_URL is set).
 */
import 'reflect-metadata';
import fs from 'node:fs';
import { createScratchDatabase } from '../src/db/scratch.js';
import { initOrm, migrate } from '../src/db/orm.js';
import { MIGRATIONS } from '../src/db/migrations/index.js';

const files = fs.readdirSync('src/db/migrations').filter((f) => /^Migration.*\.ts$/.test(f));
const listed = new Set(MIGRATIONS.map((m) => `${m.name}.ts`));
const unlisted = files.filter((f) => !listed.has(f));
if (unlisted.length) {
  console.error(`migrations not registered in src/db/migrations/index.ts: ${unlisted.join(', ')}`);
  process.exit(1);
}
const scratch = await createScratchDatabase(process.env.DATABASE_URL, 1);
const orm = await initOrm(scratch.target);
let missing = false;
try {
  await migrate(orm);
  const diff = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: true });
  if (diff.trim()) {
    missing = true;
    console.error('the entities differ from what the migrations build; run `npm run migration:create -- <name>`:\n' + diff);
  } else {
    console.log(`migrations up to date (${MIGRATIONS.length} applied on ${scratch.describe})`);
  }
} finally {
  await orm.close(true);
  await scratch.drop();
}
process.exit(missing ? 1 : 0);
