import type { EntityManager } from '@mikro-orm/postgresql';
import {
  ClientKind,
  ClientStatus,
  ComplaintStatus,
  FeedbackKind,
  SupplyChainRole,
} from '../clients/client.enums.js';
import { city } from './cities.js';
import { seedUscc } from './codes.js';
import type { AlertThresholds } from '../risk/alert.rules.js';
import { seedDemoRisk } from './demo-risk.js';
import { buildDemoFinancingRows, writeFinancingRows, type DemoClientRef, type FinancingSeedRows } from './demo-financing.js';
import { DEMO_CLIENTS, type DemoClient, type DemoInteraction, type DemoSurvey } from './demo-portfolio.js';
import { Prng } from './prng.js';
import {
  DAY_MS,
  addSummary,
  daysAgo,
  emptyRows,
  emptySummary,
  iso,
  seedNextReview,
  writeRows,
  type InteractionRow,
  type SeedRows,
  type SeedSummary,
} from './rows.js';
import { INTERACTION_KIND_WEIGHTS, interactionNote, surveyComment } from './templates.js';

export type { SeedSummary } from './rows.js';

/**
 * Demo codes use body numbers below this; the synthetic seed numbers from it upwards, so the two
 * never produce the same unified social credit code.
 */
export const DEMO_USCC_NUMBERS_BELOW = 10_000_000;

const DEMO_SEED = 0x5cf_d3e0;
/** Serialises concurrent `seedDemoIfEmpty` calls of hub instances sharing one PostgreSQL. */
const DEMO_SEED_LOCK = 0x5cf_5eed;

export const ROLE_OF_KIND: Partial<Record<ClientKind, SupplyChainRole>> = {
  [ClientKind.SUPPLIER]: SupplyChainRole.SUPPLIER,
  [ClientKind.DISTRIBUTOR]: SupplyChainRole.DISTRIBUTOR,
  [ClientKind.LOGISTICS_PROVIDER]: SupplyChainRole.LOGISTICS_PROVIDER,
};

/** "Wu Jing 吴静" → "Wu Jing": the pinyin part of a contact name, for notes and e-mail addresses. */
function pinyin(name: string): string {
  return name
    .split(' ')
    .filter((part) => /^[A-Za-z']+$/.test(part))
    .join(' ');
}

function mobile(rng: Prng): string {
  const prefix = rng.pick(['135', '136', '138', '139', '150', '158', '186', '188']);
  return `+86 ${prefix} ${String(rng.int(0, 9999)).padStart(4, '0')} ${String(rng.int(0, 9999)).padStart(4, '0')}`;
}

/** Routine contact history ending `lastDaysAgo` ago, going back at most six months. */
function routineHistory(spec: DemoClient, lastDaysAgo: number, rng: Prng): DemoInteraction[] {
  const count = lastDaysAgo > 90 ? rng.int(1, 2) : rng.int(2, 4);
  const out: DemoInteraction[] = [];
  let day = lastDaysAgo;
  const primary = spec.contacts[0]!;
  const ctx = {
    contact: pinyin(primary[0]),
    title: primary[1],
    core: spec.short,
    city: spec.city,
  };
  for (let i = 0; i < count && day <= 180; i++) {
    const kind = rng.weighted(INTERACTION_KIND_WEIGHTS);
    const coreShort = spec.cores?.length ? shortOf(rng.pick(spec.cores)) : spec.short;
    const interaction: DemoInteraction = {
      kind,
      daysAgo: day,
      summary: interactionNote(spec.kind, kind, { ...ctx, core: coreShort }, rng),
    };
    if (rng.chance(0.25)) {
      interaction.followUpInDays = -day + 14;
      // Older promises were mostly kept; a recent one may still be open.
      interaction.followUpDone = interaction.followUpInDays < 0 && rng.chance(0.8);
    }
    out.push(interaction);
    day += rng.int(20, 55);
  }
  return out;
}

const SHORT_NAMES = new Map(DEMO_CLIENTS.map((c) => [c.key, c.short]));
function shortOf(key: string): string {
  const short = SHORT_NAMES.get(key);
  if (!short) throw new RangeError(`demo portfolio: unknown client ${key}`);
  return short;
}

/** About half of the onboarded clients without a hand-written survey answered one. */
function routineSurveys(spec: DemoClient, rng: Prng): DemoSurvey[] {
  if (spec.status === ClientStatus.PROSPECT || !rng.chance(0.55)) return [];
  const score = surveyScore(spec, rng);
  return [{ daysAgo: rng.int(5, 170), score, body: surveyComment(score, rng) ?? undefined }];
}

function surveyScore(spec: DemoClient, rng: Prng): number {
  switch (spec.status) {
    case ClientStatus.ACTIVE:
      return rng.weighted([[10, 3], [9, 4], [8, 4], [7, 3], [6, 1], [5, 1]]);
    case ClientStatus.WATCHLIST:
      return rng.int(3, 7);
    default:
      return rng.int(1, 5);
  }
}

/**
 * The demo portfolio as rows, for a given `now`. Pure and deterministic: the same `now` gives the
 * same rows, ids included.
 */
export function buildDemoRows(now: Date = new Date()): SeedRows {
  const rng = new Prng(DEMO_SEED);
  const rows = emptyRows();
  const idOf = new Map<string, string>();
  const createdOf = new Map<string, Date>();
  const nowIso = iso(now);

  DEMO_CLIENTS.forEach((spec, index) => {
    const id = rng.uuid();
    idOf.set(spec.key, id);
    const place = city(spec.city);

    const history =
      spec.interactions ?? (spec.lastContactDaysAgo == null ? [] : routineHistory(spec, spec.lastContactDaysAgo, rng));
    const interactions: InteractionRow[] = history.map((h) => {
      const occurred = daysAgo(now, h.daysAgo, rng.int(9, 17), rng.pick([0, 15, 30, 45]));
      const due = h.followUpInDays === undefined ? null : daysAgo(now, -h.followUpInDays, 18);
      // Done on or a little before the due date, never before the contact itself.
      const done =
        due && h.followUpDone
          ? new Date(Math.max(occurred.getTime(), Math.min(due.getTime(), now.getTime()) - rng.int(0, 2) * DAY_MS))
          : null;
      return {
        id: rng.uuid(),
        client_id: id,
        kind: h.kind,
        occurred_at: iso(occurred),
        summary: h.summary,
        follow_up_due_at: due ? iso(due) : null,
        follow_up_done_at: done ? iso(done) : null,
        recorded_by: spec.rm,
        created_at: iso(occurred),
      };
    });
    const lastContact = interactions.reduce<string | null>(
      (latest, i) => (latest === null || i.occurred_at > latest ? i.occurred_at : latest),
      null,
    );

    // Onboarded before anything was recorded about the client.
    const earliestDays = Math.max(
      spec.onboardedDaysAgo,
      ...history.map((h) => h.daysAgo + 1),
      ...(spec.surveys ?? []).map((s) => s.daysAgo + 1),
      ...(spec.complaints ?? []).map((c) => c.daysAgo + 1),
    );
    const created = daysAgo(now, earliestDays, 9);
    createdOf.set(spec.key, created);

    rows.clients.push({
      id,
      name: spec.name,
      kind: spec.kind,
      industry: spec.industry,
      unified_social_credit_code: seedUscc(index + 1, place.division),
      credit_rating: spec.rating,
      status: spec.status,
      relationship_manager: spec.rm,
      city: spec.city,
      last_contact_at: lastContact,
      next_review_on: seedNextReview(spec.status, created, now),
      created_at: iso(created),
      updated_at: nowIso,
    });

    const domain = spec.short.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    spec.contacts.forEach(([name, title], i) => {
      const latin = pinyin(name);
      rows.contacts.push({
        id: rng.uuid(),
        client_id: id,
        name,
        title,
        phone: i === 0 || rng.chance(0.7) ? mobile(rng) : `+86 ${place.area} ${rng.int(5000_0000, 8999_9999)}`,
        email: `${latin.toLowerCase().replace(/[^a-z]+/g, '.')}@${domain}.example.com`,
        primary: i === 0,
        created_at: iso(created),
      });
    });

    rows.interactions.push(...interactions);

    for (const s of spec.surveys ?? routineSurveys(spec, rng)) {
      rows.feedback.push({
        id: rng.uuid(),
        client_id: id,
        kind: FeedbackKind.SURVEY,
        score: s.score,
        category: null,
        body: s.body ?? null,
        status: null,
        resolution: null,
        resolved_at: null,
        submitted_at: iso(daysAgo(now, s.daysAgo, rng.int(9, 20))),
      });
    }
    for (const c of spec.complaints ?? []) {
      const resolved = c.status === ComplaintStatus.RESOLVED;
      rows.feedback.push({
        id: rng.uuid(),
        client_id: id,
        kind: FeedbackKind.COMPLAINT,
        score: null,
        category: c.category,
        body: c.body,
        status: c.status,
        resolution: resolved ? (c.resolution ?? null) : null,
        resolved_at: resolved ? iso(daysAgo(now, c.resolvedDaysAgo ?? c.daysAgo, 16)) : null,
        submitted_at: iso(daysAgo(now, c.daysAgo, 11)),
      });
    }
  });

  for (const spec of DEMO_CLIENTS) {
    const role = ROLE_OF_KIND[spec.kind];
    if (!role) continue;
    for (const coreKey of spec.cores ?? []) {
      const coreId = idOf.get(coreKey);
      const coreSpec = DEMO_CLIENTS.find((c) => c.key === coreKey);
      if (!coreId || coreSpec?.kind !== ClientKind.CORE_ENTERPRISE) {
        throw new Error(`demo portfolio: ${spec.key} links to ${coreKey}, which is not a core enterprise`);
      }
      const linked = Math.max(createdOf.get(coreKey)!.getTime(), createdOf.get(spec.key)!.getTime());
      rows.links.push({
        id: rng.uuid(),
        core_enterprise_id: coreId,
        counterparty_id: idOf.get(spec.key)!,
        role,
        created_at: iso(new Date(linked)),
      });
    }
  }
  return rows;
}

/** The demo financing (credit lines, deals in every state, ledger) for the demo clients of `rows`. */
export function buildDemoFinancing(rows: SeedRows, now: Date = new Date()): FinancingSeedRows {
  const refs = new Map<string, DemoClientRef>();
  DEMO_CLIENTS.forEach((spec, i) => {
    const row = rows.clients[i]!;
    refs.set(spec.key, { id: row.id, name: row.name, code: row.unified_social_credit_code, rm: spec.rm });
  });
  return buildDemoFinancingRows(now, refs);
}

async function writeDemo(tx: EntityManager, rows: SeedRows, now: Date, thresholds?: AlertThresholds): Promise<void> {
  await writeRows(tx, rows);
  await writeFinancingRows(tx, buildDemoFinancing(rows, now));
  await seedDemoRisk(tx, now, thresholds);
}

/** Writes the demo portfolio. Fails (unique codes) when it is already there: see `seedDemoIfEmpty`. */
export async function seedDemo(em: EntityManager, now: Date = new Date()): Promise<SeedSummary> {
  const rows = buildDemoRows(now);
  await em.transactional(async (tx) => writeDemo(tx, rows, now));
  return addSummary(emptySummary(), rows);
}

/**
 * Seeds the demo portfolio when the `client` table is empty; true when it did. Safe to call from
 * several hub instances at once: an advisory lock makes the later ones wait and find it seeded.
 */
export async function seedDemoIfEmpty(em: EntityManager, now: Date = new Date(), thresholds?: AlertThresholds): Promise<boolean> {
  return em.transactional(async (tx) => {
    await tx.execute('select pg_advisory_xact_lock(?)', [DEMO_SEED_LOCK]);
    const [row] = await tx.execute<{ present: boolean }[]>('select exists (select 1 from "client") as "present"');
    if (row?.present) return false;
    await writeDemo(tx, buildDemoRows(now), now, thresholds);
    return true;
  });
}

