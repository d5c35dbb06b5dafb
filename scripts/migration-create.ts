/**
 * Writes a migration for whatever the entities changed: builds a scratch database from the
 * committed migrations, diffs it with the entities, writes `src/db/migrations/<name>.ts` and
 * registers it in `src/db/migrations/index.ts`.
 *   npm run migration:create -- <name>
 */
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { createScratchDatabase } from '../src/db/scratch.js';
import { initOrm, migrate } from '../src/db/orm.js';

const name = process.argv[2];
if (!name || !/^[a-z][a-z0-9-]*$/.test(name)) {
  console.error('usage: npm run migration:create -- <kebab-case-name>');
  process.exit(2);
}
const scratch = await createScratchDatabase(process.env.DATABASE_URL, 1);
const orm = await initOrm(scratch.target);
try {
  await migrate(orm);
  const migrator = orm.getMigrator();
  const result = await migrator.createMigration('src/db/migrations', false, false, name.replace(/-/g, '_'));
  if (!result.diff.up.length) {
    console.log('entities and migrations agree: nothing to write');
  } else {
    const file = path.join('src/db/migrations', result.fileName);
    const base = result.fileName.replace(/\.ts$/, '');
    const className = base; // MikroORM names the class after the file
    const indexPath = 'src/db/migrations/index.ts';
    let index = fs.readFileSync(indexPath, 'utf8');
    index = index.replace(
      /(import type \{ MigrationObject \} from '@mikro-orm\/core';\n)/,
      `$1import { ${className} } from './${base}.js';\n`,
    );
    index = index.replace(/\n?\];\s*$/, `\n  { name: '${base}', class: ${className} },\n];\n`);
    fs.writeFileSync(indexPath, index);
    console.log(`wrote ${file}`);
  }
} finally {
  await orm.close(true);
  await scratch.drop();
}
