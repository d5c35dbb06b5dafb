import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configTable, VARIABLES } from '../src/config.js';

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
});
