import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClientKind,
  ComplaintCategory,
  Industry,
  InteractionKind,
  SupplyChainRole,
} from '../src/clients/client.enums.js';
import { usccProblem } from '../src/clients/uscc.js';
import { initOrm, migrate } from '../src/db/orm.js';
import { createScratchDatabase, type ScratchDatabase } from '../src/db/scratch.js';
import { buildDemoFinancing, buildDemoRows, seedDemo, seedDemoIfEmpty, type SeedSummary } from '../src/demo/demo.js';
import { Decimal } from 'decimal.js';
import { DelinquencyService } from '../src/financing/delinquency.service.js';
import { FinancingStatus, ProductKind } from '../src/financing/financing.enums.js';
import { businessDate, checkRateCap } from '../src/financing/financing.rules.js';
import { seedSynthetic } from '../src/demo/synthetic.js';

const NOW = new Date();
const DAY = 86_400_000;

interface Db {
  scratch: ScratchDatabase;
  orm: MikroORM;
  q<T extends object>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** A migrated scratch database; `poolSize` applies to PostgreSQL (the embedded one is always 1). */
async function openDb(poolSize = 1): Promise<Db> {
  const scratch = await createScratchDatabase(process.env.DATABASE_URL, poolSize);
  const orm = await initOrm(scratch.target);
  await migrate(orm);
  return { scratch, orm, q: (sql, params = []) => orm.em.fork().execute(sql, params) };
}

async function closeDb(db: Db | undefined): Promise<void> {
  await db?.orm.close(true);
  await db?.scratch.drop();
}

async function tableCounts(db: Db): Promise<SeedSummary> {
  const [row] = await db.q<SeedSummary>(
    `select (select count(*) from client)::int as clients, (select count(*) from supply_chain_link)::int as links,
            (select count(*) from contact)::int as contacts, (select count(*) from interaction)::int as interactions,
            (select count(*) from feedback)::int as feedback`,
  );
  return row!;
}

async function expectValidUniqueCodes(db: Db): Promise<void> {
  const codes = (await db.q<{ code: string }>('select unified_social_credit_code as code from client')).map((r) => r.code);
  expect(codes.filter((c) => usccProblem(c) !== null)).toEqual([]);
  expect(new Set(codes).size).toBe(codes.length);
}

/** Links whose core is not a core enterprise or whose counterparty's kind is not the link's role. */
async function misfitLinks(db: Db): Promise<unknown[]> {
  return db.q(
    `select l.id from supply_chain_link l
       join client core on core.id = l.core_enterprise_id
       join client cp on cp.id = l.counterparty_id
      where core.kind <> 'CORE_ENTERPRISE' or cp.kind <> l.role or core.id = cp.id`,
  );
}

/** Interactions the API would refuse: a follow-up due before the contact, or done before it. */
async function impossibleFollowUps(db: Db): Promise<unknown[]> {
  return db.q(
    `select id from interaction
      where follow_up_due_at <= occurred_at or follow_up_done_at < occurred_at
         or (follow_up_done_at is not null and follow_up_due_at is null)`,
  );
}

describe('seedDemo', () => {
  let db: Db;
  let summary: SeedSummary;

  beforeAll(async () => {
    db = await openDb();
    summary = await seedDemo(db.orm.em.fork(), NOW);
  });
  afterAll(() => closeDb(db));

  it('reports what it wrote', async () => {
    expect(await tableCounts(db)).toEqual(summary);
    expect(summary.clients).toBeGreaterThanOrEqual(40);
  });

  it('has core enterprises in automotive, home appliances, retail, new energy and biomedicine', async () => {
    const cores = await db.q<{ industry: string; suppliers: number; distributors: number }>(
      `select c.industry,
              (select count(*) from supply_chain_link l where l.core_enterprise_id = c.id and l.role = 'SUPPLIER')::int as suppliers,
              (select count(*) from supply_chain_link l where l.core_enterprise_id = c.id and l.role = 'DISTRIBUTOR')::int as distributors
         from client c where c.kind = 'CORE_ENTERPRISE'`,
    );
    expect(cores.length).toBeGreaterThanOrEqual(5);
    expect(cores.map((c) => c.industry)).toEqual(
      expect.arrayContaining([
        Industry.AUTOMOTIVE,
        Industry.HOME_APPLIANCES,
        Industry.RETAIL,
        Industry.NEW_ENERGY,
        Industry.BIOMEDICINE,
      ]),
    );
    for (const core of cores) {
      expect(core.suppliers).toBeGreaterThanOrEqual(3);
      expect(core.suppliers).toBeLessThanOrEqual(6);
      expect(core.distributors).toBeGreaterThanOrEqual(2);
      expect(core.distributors).toBeLessThanOrEqual(4);
    }
  });

  it('links every supplier, distributor and logistics provider to a core enterprise in its own role', async () => {
    const unlinked = await db.q(
      `select c.name from client c where c.kind <> 'CORE_ENTERPRISE'
          and not exists (select 1 from supply_chain_link l where l.counterparty_id = c.id)`,
    );
    expect(unlinked).toEqual([]);
    expect(await misfitLinks(db)).toEqual([]);
    const [logistics] = await db.q<{ providers: number; serving_several: number }>(
      `select count(*)::int as providers,
              count(*) filter (where (select count(*) from supply_chain_link l where l.counterparty_id = c.id) > 1)::int as serving_several
         from client c where c.kind = 'LOGISTICS_PROVIDER' and c.industry = 'LOGISTICS'`,
    );
    expect(logistics!.providers).toBeGreaterThanOrEqual(3);
    expect(logistics!.serving_several).toBeGreaterThanOrEqual(3);
  });

  it('gives every client a valid, unique unified social credit code', async () => {
    await expectValidUniqueCodes(db);
  });

  it('spreads statuses, ratings and relationship managers', async () => {
    const rows = await db.q<{ status: string; credit_rating: string | null; relationship_manager: string }>(
      'select status, credit_rating, relationship_manager from client',
    );
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['ACTIVE', 'PROSPECT', 'WATCHLIST', 'SUSPENDED']));
    const ratings = new Set(rows.map((r) => r.credit_rating));
    for (const r of ['AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'CCC']) expect(ratings).toContain(r);
    expect(new Set(rows.map((r) => r.relationship_manager)).size).toBeGreaterThanOrEqual(3);
    expect(rows.filter((r) => r.status === 'ACTIVE').length).toBeGreaterThan(rows.length / 2);
  });

  it('gives every client one to three contacts, one of them primary', async () => {
    const rows = await db.q<{ contacts: number; primaries: number }>(
      `select count(ct.id)::int as contacts, count(ct.id) filter (where ct.primary)::int as primaries
         from client c left join contact ct on ct.client_id = c.id group by c.id`,
    );
    for (const r of rows) {
      expect(r.contacts).toBeGreaterThanOrEqual(1);
      expect(r.contacts).toBeLessThanOrEqual(3);
      expect(r.primaries).toBe(1);
    }
  });

  it('records interactions of every kind over the last six months, and lastContactAt follows them', async () => {
    const kinds = await db.q<{ kind: string }>('select distinct kind from interaction');
    expect(new Set(kinds.map((k) => k.kind))).toEqual(new Set(Object.values(InteractionKind)));
    const [span] = await db.q<{ oldest: string; newest: string }>(
      'select min(occurred_at) as oldest, max(occurred_at) as newest from interaction',
    );
    expect(new Date(span!.oldest).getTime()).toBeGreaterThanOrEqual(NOW.getTime() - 186 * DAY);
    expect(new Date(span!.newest).getTime()).toBeLessThanOrEqual(NOW.getTime());
    const stale = await db.q(
      `select c.name from client c
        where c.last_contact_at is distinct from (select max(i.occurred_at) from interaction i where i.client_id = c.id)`,
    );
    expect(stale).toEqual([]);
  });

  it('leaves follow-ups due: overdue promises and clients not contacted within their cadence', async () => {
    const [due] = await db.q<{ overdue: number; upcoming: number }>(
      `select count(*) filter (where follow_up_due_at < ? and follow_up_done_at is null)::int as overdue,
              count(*) filter (where follow_up_due_at > ?)::int as upcoming
         from interaction`,
      [NOW.toISOString(), NOW.toISOString()],
    );
    expect(due!.overdue).toBeGreaterThanOrEqual(2);
    expect(due!.upcoming).toBeGreaterThanOrEqual(2);
    const [cadence] = await db.q<{ cores: number; others: number; never: number }>(
      `select count(*) filter (where kind = 'CORE_ENTERPRISE' and last_contact_at < ?)::int as cores,
              count(*) filter (where kind <> 'CORE_ENTERPRISE' and last_contact_at < ?)::int as others,
              count(*) filter (where last_contact_at is null)::int as never
         from client`,
      [new Date(NOW.getTime() - 30 * DAY).toISOString(), new Date(NOW.getTime() - 90 * DAY).toISOString()],
    );
    expect(cadence!.cores).toBeGreaterThanOrEqual(1);
    expect(cadence!.others).toBeGreaterThanOrEqual(2);
    expect(cadence!.never).toBeGreaterThanOrEqual(1);
    expect(await impossibleFollowUps(db)).toEqual([]);
  });

  it('has surveys scored 0 to 10 and complaints of every category, some resolved', async () => {
    const surveys = await db.q<{ score: number }>(`select score from feedback where kind = 'SURVEY'`);
    expect(surveys.length).toBeGreaterThanOrEqual(10);
    for (const s of surveys) expect(s.score).toBeGreaterThanOrEqual(0);
    for (const s of surveys) expect(s.score).toBeLessThanOrEqual(10);
    expect(Math.min(...surveys.map((s) => s.score))).toBeLessThanOrEqual(3);
    expect(Math.max(...surveys.map((s) => s.score))).toBe(10);

    const complaints = await db.q<{ category: string; status: string; resolution: string | null; resolved_at: string | null }>(
      `select category, status, resolution, resolved_at from feedback where kind = 'COMPLAINT'`,
    );
    expect(new Set(complaints.map((c) => c.category))).toEqual(new Set(Object.values(ComplaintCategory)));
    const resolved = complaints.filter((c) => c.status === 'RESOLVED');
    expect(resolved.length).toBeGreaterThanOrEqual(2);
    for (const c of resolved) expect(c.resolution && c.resolved_at).toBeTruthy();
    expect(complaints.some((c) => c.status !== 'RESOLVED')).toBe(true);
  });

  it('is deterministic for a given time', () => {
    expect(buildDemoRows(NOW)).toEqual(buildDemoRows(NOW));
    expect(buildDemoFinancing(buildDemoRows(NOW), NOW)).toEqual(buildDemoFinancing(buildDemoRows(NOW), NOW));
  });

  it('has deals of every product in every state, some overdue in every bucket, one held by AML', async () => {
    const deals = await db.q<{ product: string; status: string; recorded_bucket: string; aml_hold: boolean }>(
      'select product, status, recorded_bucket, aml_hold from financing',
    );
    expect(new Set(deals.map((d) => d.status))).toEqual(new Set(Object.values(FinancingStatus)));
    expect(new Set(deals.map((d) => d.product))).toEqual(new Set(Object.values(ProductKind)));
    expect(deals.filter((d) => d.status === 'OVERDUE').length).toBeGreaterThanOrEqual(3);
    expect(new Set(deals.map((d) => d.recorded_bucket))).toEqual(new Set(['CURRENT', 'DPD_1_30', 'DPD_31_60', 'DPD_61_90', 'DPD_90_PLUS']));
    expect(deals.filter((d) => d.aml_hold)).toHaveLength(1);
    const lines = await db.q<{ status: string; expired: boolean }>(`select status, expires_at < now() as expired from credit_line`);
    expect(lines.some((l) => l.status === 'FROZEN')).toBe(true);
    expect(lines.some((l) => l.expired)).toBe(true);
  });

  it('is what the hub would have recorded: a delinquency scan run now finds nothing to change', async () => {
    const result = await new DelinquencyService(db.orm.em.fork()).scan(businessDate(NOW));
    expect(result.scanned).toBeGreaterThanOrEqual(10);
    expect(result).toMatchObject({ becameOverdue: 0, cured: 0, bucketChanges: 0 });
  });

  it('keeps outstanding principal, credit lines, ledger and rates consistent', async () => {
    const wrongOutstanding = await db.q(
      `select f.id from financing f
        where f.disbursed_at is not null
          and f.outstanding_principal <> f.amount - coalesce((select sum(r.principal) from repayment r where r.financing_id = f.id), 0)`,
    );
    expect(wrongOutstanding).toEqual([]);
    const overdrawn = await db.q(
      `select l.id from credit_line l
        where l.limit < (select coalesce(sum(case when f.status = 'APPROVED' then f.amount else f.outstanding_principal end), 0)
                           from financing f where f.credit_line_id = l.id and f.status in ('APPROVED', 'DISBURSED', 'OVERDUE', 'RESTRUCTURED', 'DEFAULTED'))`,
    );
    expect(overdrawn).toEqual([]);
    const unbooked = await db.q(
      `select f.id from financing f
        where (f.disbursed_at is not null) <> exists (select 1 from ledger_entry e where e.financing_id = f.id and e.kind = 'DISBURSEMENT')
           or (select count(*) from repayment r where r.financing_id = f.id) <> (select count(*) from ledger_entry e where e.financing_id = f.id and e.kind = 'REPAYMENT')`,
    );
    expect(unbooked).toEqual([]);
    const lprs = (await db.q<{ effective_date: string; rate: string }>('select effective_date, rate from loan_prime_rate')).map((r) => ({
      effectiveDate: r.effective_date,
      rate: new Decimal(r.rate),
    }));
    for (const f of await db.q<{ annual_rate: string; contract_date: string }>('select annual_rate, contract_date from financing')) {
      expect(checkRateCap(new Decimal(f.annual_rate), f.contract_date, lprs, new Decimal(4)).ok).toBe(true);
    }
  });
});

describe('seedDemoIfEmpty', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb();
  });
  afterAll(() => closeDb(db));

  it('seeds an empty database and leaves a seeded one alone', async () => {
    expect(await seedDemoIfEmpty(db.orm.em.fork(), NOW)).toBe(true);
    const seeded = await tableCounts(db);
    expect(seeded.clients).toBeGreaterThan(0);
    expect(await seedDemoIfEmpty(db.orm.em.fork(), NOW)).toBe(false);
    expect(await tableCounts(db)).toEqual(seeded);
  });

  it('waits for a concurrent seed instead of seeding twice', async () => {
    // Two connections on PostgreSQL, so the two calls really overlap there.
    const other = await openDb(2);
    try {
      const results = await Promise.all([
        seedDemoIfEmpty(other.orm.em.fork(), NOW),
        seedDemoIfEmpty(other.orm.em.fork(), NOW),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
    } finally {
      await closeDb(other);
    }
  });
});

describe('seedSynthetic', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb();
    await seedDemoIfEmpty(db.orm.em.fork(), NOW);
  });
  afterAll(() => closeDb(db));

  it('adds exactly the clients asked for, linked to core enterprises in their own role, and reports progress', async () => {
    const before = new Set((await db.q<{ id: string }>('select id from client')).map((r) => r.id));
    const progress: [number, number][] = [];
    const summary = await seedSynthetic(db.orm.em.fork(), {
      clients: 300,
      batchSize: 128,
      onProgress: (done, total) => progress.push([done, total]),
    });

    expect(summary.clients).toBe(300);
    const added = await db.q<{ id: string; kind: string; links: number }>(
      `select c.id, c.kind, (select count(*) from supply_chain_link l where l.counterparty_id = c.id)::int as links from client c`,
    );
    const fresh = added.filter((c) => !before.has(c.id));
    expect(fresh).toHaveLength(300);

    const cores = fresh.filter((c) => c.kind === ClientKind.CORE_ENTERPRISE);
    expect(cores.length).toBe(24); // 8%
    for (const c of fresh.filter((x) => x.kind !== ClientKind.CORE_ENTERPRISE)) {
      expect(c.links).toBeGreaterThanOrEqual(1);
      expect(c.links).toBeLessThanOrEqual(3);
    }
    expect(new Set(fresh.map((c) => c.kind))).toEqual(new Set(Object.values(ClientKind)));
    expect(await misfitLinks(db)).toEqual([]);
    // New clients link to the new core enterprises only.
    const strayLinks = await db.q(
      `select l.id from supply_chain_link l where l.counterparty_id = any(?::uuid[]) and l.core_enterprise_id <> all(?::uuid[])`,
      [`{${fresh.map((c) => c.id).join(',')}}`, `{${cores.map((c) => c.id).join(',')}}`],
    );
    expect(strayLinks).toEqual([]);
    await expectValidUniqueCodes(db);

    expect(progress[0]).toEqual([0, 300]);
    expect(progress.at(-1)).toEqual([300, 300]);
    expect(progress.map(([d]) => d)).toEqual([0, 128, 256, 300]);

    const counts = await tableCounts(db);
    const roles = await db.q<{ role: string }>('select distinct role from supply_chain_link');
    expect(new Set(roles.map((r) => r.role))).toEqual(new Set(Object.values(SupplyChainRole)));
    expect(counts.interactions).toBeGreaterThan(300);
    expect(await impossibleFollowUps(db)).toEqual([]);
  });

  it('numbers codes past what is already there when run again with the same seed', async () => {
    const { clients } = await tableCounts(db);
    await seedSynthetic(db.orm.em.fork(), { clients: 40 });
    await seedSynthetic(db.orm.em.fork(), { clients: 40 });
    expect((await tableCounts(db)).clients).toBe(clients + 80);
    await expectValidUniqueCodes(db);
  });

  it('stops between batches when aborted, keeping the batches written', async () => {
    const { clients } = await tableCounts(db);
    const abort = new AbortController();
    await expect(
      seedSynthetic(db.orm.em.fork(), {
        clients: 200,
        batchSize: 50,
        signal: abort.signal,
        onProgress: (done) => {
          if (done >= 50) abort.abort(new Error('stop'));
        },
      }),
    ).rejects.toThrow('stop');
    expect((await tableCounts(db)).clients).toBe(clients + 50);
  });
});
