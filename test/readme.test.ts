import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, validate } from 'graphql';
import { configTable, VARIABLES } from '../src/config.js';
import { getSchema } from '../src/graphql/schema.js';

const readme = fs.readFileSync('README.md', 'utf8');
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };

describe('README', () => {
  it('documents every configuration variable exactly as config.ts declares it', () => {
    const block = /<!-- config:start -->\n([\s\S]*?)\n<!-- config:end -->/.exec(readme)?.[1];
    expect(block).toBe(configTable());
    for (const name of Object.keys(VARIABLES)) expect(readme).toContain(`\`${name}\``);
  });

  it('names only npm scripts that exist', () => {
    const named = [...readme.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(3);
    for (const script of named) expect(pkg.scripts, script).toHaveProperty(script);
    expect(readme).toContain('npm start');
    expect(readme).toContain('npm test');
  });

  it('shows only GraphQL examples that are valid against the schema', async () => {
    const schema = await getSchema();
    const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThan(5);
    for (const block of blocks) {
      const errors = validate(schema, parse(block)).map((e) => e.message);
      expect(errors, block).toEqual([]);
    }
  });
});
