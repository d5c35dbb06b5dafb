import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initOrm, migrate } from '../src/db/orm.js';
import { createScratchDatabase, type ScratchDatabase } from '../src/db/scratch.js';
import { seedDemoIfEmpty } from '../src/demo/demo.js';

let scratch: ScratchDatabase;
let orm: MikroORM;
const q = <T extends object>(sql: string, params: unknown[] = []) => orm.em.fork().execute<T[]>(sql, params);

beforeAll(async () => {
  scratch = await createScratchDatabase(process.env.DATABASE_URL, 1);
  orm = await initOrm(scratch.target);
  await migrate(orm);
  await seedDemoIfEmpty(orm.em.fork());
});
afterAll(async () => {
  await orm?.close(true);
  await scratch?.drop();
});

describe('the demo risk seed', () => {
  it('gives every client a statement and an assessment, with scores in every tier', async () => {
    const [counts] = await q<{ clients: number; statements: number; assessed: number }>(
      `select (select count(*) from client)::int as clients, (select count(*) from financial_statement)::int as statements,
              (select count(distinct client_id) from risk_assessment)::int as assessed`,
    );
    expect(counts!.statements).toBe(counts!.clients);
    expect(counts!.assessed).toBe(counts!.clients);
    const tiers = await q<{ tier: string; n: number }>(`select tier, count(*)::int as n from risk_assessment group by tier order by tier`);
    expect(tiers.map((t) => t.tier)).toEqual(['PREMIUM', 'STANDARD', 'SUBPRIME']);
    const zones = await q<{ zone: string }>(`select distinct zone from financial_statement order by zone`);
    expect(zones.map((z) => z.zone)).toEqual(['DISTRESS', 'GREY', 'SAFE']);
  });

  it('records a few periodic reviews and leaves a few clients overdue for theirs', async () => {
    const [reviews] = await q<{ n: number; clients: number; assessed: number }>(
      `select count(*)::int as n, count(distinct client_id)::int as clients, count(tier)::int as assessed from risk_review`,
    );
    expect(reviews!.n).toBeGreaterThanOrEqual(5);
    expect(reviews!.assessed).toBeGreaterThanOrEqual(3);
    // Each reviewed client's schedule is what its latest review set.
    const stale = await q<{ id: string }>(
      `select c.id from client c join lateral (
         select r.next_review_on from risk_review r where r.client_id = c.id order by r.reviewed_on desc, r.created_at desc limit 1) last on true
       where c.next_review_on is distinct from last.next_review_on`,
    );
    expect(stale).toEqual([]);
    const [due] = await q<{ overdue: number; scheduled: number; reviewable: number }>(
      `select count(*) filter (where next_review_on < (now() at time zone 'UTC' + interval '8 hours')::date)::int as overdue,
              count(next_review_on)::int as scheduled,
              count(*) filter (where status in ('ACTIVE', 'WATCHLIST'))::int as reviewable from client`,
    );
    expect(due!.overdue).toBeGreaterThanOrEqual(3);
    expect(due!.scheduled).toBe(due!.reviewable);
  });

  it('leaves open alerts for overdue deals, assigned to the relationship manager', async () => {
    const open = await q<{ kind: string; severity: string; assigned_to: string | null }>(`select kind, severity, assigned_to from alert where status = 'OPEN'`);
    expect(open.some((a) => a.kind === 'PAYMENT_OVERDUE')).toBe(true);
    expect(open.every((a) => a.assigned_to)).toBe(true);
    const [events] = await q<{ n: number }>(`select count(*)::int as n from outbox_event where topic = 'alert.changed'`);
    expect(events!.n).toBe(open.length);
  });
});
