import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../src/db/scratch.js';
import { initOrm, migrate, migrationsApplied } from '../src/db/orm.js';
import { MIGRATIONS } from '../src/db/migrations/index.js';

describe.skipIf(!process.env.DATABASE_URL)('migrate on a shared PostgreSQL', () => {
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.DATABASE_URL, 2);
  });
  afterAll(async () => {
    await scratch?.drop();
  });

  it('lets instances that start together migrate one after the other', async () => {
    const orms = await Promise.all([initOrm(scratch.target), initOrm(scratch.target), initOrm(scratch.target)]);
    try {
      const runs = await Promise.all(orms.map((orm) => migrate(orm, scratch.target.url)));
      // Exactly one instance applied everything; the others found nothing pending.
      expect(runs.map((r) => r.length).sort((a, b) => b - a)).toEqual([MIGRATIONS.length, 0, 0]);
      expect(await migrationsApplied(orms[0]!)).toBe(true);
    } finally {
      await Promise.all(orms.map((orm) => orm.close(true)));
    }
  });
});
