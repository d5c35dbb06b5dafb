/**
 * Writes schema/schema.graphql from the code; with --check, fails (exit 1) when the committed
 * file differs instead of writing it.
 */
import fs from 'node:fs';
import { printSdl } from '../src/graphql/schema.js';

const FILE = 'schema/schema.graphql';
const sdl = await printSdl();
if (process.argv.includes('--check')) {
  const committed = fs.existsSync(FILE) ? fs.readFileSync(FILE, 'utf8') : '';
  if (committed !== sdl) {
    console.error(`${FILE} is stale: run \`npm run schema\` and commit it`);
    process.exit(1);
  }
  console.log(`${FILE} is up to date`);
} else {
  fs.writeFileSync(FILE, sdl);
  console.log(`wrote ${FILE}`);
}
