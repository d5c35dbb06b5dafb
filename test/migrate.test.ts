import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../src/db/scratch.js';
import { initOrm, migrate, migrationsApplied } from '../src/db/orm.js';
import { MIGRATIONS } from '../src/db/migrations/index.js';
import { generateKey, hashKey } from '../src/auth/api-key.service.js';
import { ensureConfiguredAdmin } from '../src/hub.js';

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
  it('lets instances that start together with one ADMIN_API_KEY all create it, once', async () => {
    const orms = await Promise.all([1, 2, 3, 4].map(() => initOrm(scratch.target)));
    try {
      // All look at once and find nothing; all insert; one wins, and the others must not fail.
      const key = generateKey();
      await Promise.all(orms.map((orm) => ensureConfiguredAdmin(orm, key)));
      const rows = await orms[0]!.em.fork().getConnection().execute<{ n: string }[]>(
        'select count(*)::text as n from api_key where key_hash = ? and role = ? and revoked_at is null',
        [hashKey(key), 'ADMIN'],
      );
      expect(rows[0]!.n).toBe('1');
    } finally {
      await Promise.all(orms.map((orm) => orm.close(true)));
    }
  });
});
