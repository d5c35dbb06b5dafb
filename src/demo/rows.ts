import type { EntityManager } from '@mikro-orm/postgresql';
import type { ClientStatus } from '../clients/client.enums.js';
import { anniversaryReviewOn } from '../clients/review-schedule.js';
import { businessDate } from '../financing/financing.rules.js';

/**
 * Raw rows for the seeds. Seeds write with multi-row INSERTs rather than through the unit of
 * work: 10 000 clients with their links and history are some 70 000 rows, and the embedded
 * database (one PGlite session) would spend minutes on per-entity round trips.
 * Column names are the migration's; timestamps are ISO strings (unambiguous offset).
 */
export type SqlValue = string | number | boolean | null;

export interface ClientRow {
  id: string;
  name: string;
  kind: string;
  industry: string;
  unified_social_credit_code: string;
  credit_rating: string | null;
  status: string;
  relationship_manager: string | null;
  city: string | null;
  last_contact_at: string | null;
  /** Business date; set exactly for ACTIVE and WATCHLIST clients (see `anniversaryReviewOn`). */
  next_review_on: string | null;
  created_at: string;
  updated_at: string;
}

export interface LinkRow {
  id: string;
  core_enterprise_id: string;
  counterparty_id: string;
  role: string;
  created_at: string;
}

export interface ContactRow {
  id: string;
  client_id: string;
  name: string;
  title: string | null;
  phone: string | null;
  email: string | null;
  primary: boolean;
  created_at: string;
}

export interface InteractionRow {
  id: string;
  client_id: string;
  kind: string;
  occurred_at: string;
  summary: string;
  follow_up_due_at: string | null;
  follow_up_done_at: string | null;
  recorded_by: string | null;
  created_at: string;
}

export interface FeedbackRow {
  id: string;
  client_id: string;
  kind: string;
  score: number | null;
  category: string | null;
  body: string | null;
  status: string | null;
  resolution: string | null;
  resolved_at: string | null;
  submitted_at: string;
}

/** Rows of one seed step, in the tables' foreign-key order. */
export interface SeedRows {
  clients: ClientRow[];
  links: LinkRow[];
  contacts: ContactRow[];
  interactions: InteractionRow[];
  feedback: FeedbackRow[];
}

/** How many rows a seed wrote, per table. */
export interface SeedSummary {
  clients: number;
  links: number;
  contacts: number;
  interactions: number;
  feedback: number;
}

export function emptyRows(): SeedRows {
  return { clients: [], links: [], contacts: [], interactions: [], feedback: [] };
}

export function emptySummary(): SeedSummary {
  return { clients: 0, links: 0, contacts: 0, interactions: 0, feedback: 0 };
}

export function addSummary(into: SeedSummary, rows: SeedRows): SeedSummary {
  into.clients += rows.clients.length;
  into.links += rows.links.length;
  into.contacts += rows.contacts.length;
  into.interactions += rows.interactions.length;
  into.feedback += rows.feedback.length;
  return into;
}

const CLIENT_COLUMNS = [
  'id', 'name', 'kind', 'industry', 'unified_social_credit_code', 'credit_rating', 'status',
  'relationship_manager', 'city', 'last_contact_at', 'next_review_on', 'created_at', 'updated_at',
] as const satisfies readonly (keyof ClientRow)[];
const LINK_COLUMNS = ['id', 'core_enterprise_id', 'counterparty_id', 'role', 'created_at'] as const satisfies readonly (keyof LinkRow)[];
const CONTACT_COLUMNS = [
  'id', 'client_id', 'name', 'title', 'phone', 'email', 'primary', 'created_at',
] as const satisfies readonly (keyof ContactRow)[];
const INTERACTION_COLUMNS = [
  'id', 'client_id', 'kind', 'occurred_at', 'summary', 'follow_up_due_at', 'follow_up_done_at', 'recorded_by', 'created_at',
] as const satisfies readonly (keyof InteractionRow)[];
const FEEDBACK_COLUMNS = [
  'id', 'client_id', 'kind', 'score', 'category', 'body', 'status', 'resolution', 'resolved_at', 'submitted_at',
] as const satisfies readonly (keyof FeedbackRow)[];

/** Rows per INSERT statement: large enough to amortise the round trip, small enough to stay a few hundred kB. */
export const ROWS_PER_STATEMENT = 1000;

/** Multi-row INSERTs of `rows` into `table`, `ROWS_PER_STATEMENT` at a time. */
export async function insertRows<R extends { [K in C]: SqlValue }, C extends string>(
  em: EntityManager,
  table: string,
  columns: readonly C[],
  rows: readonly R[],
): Promise<void> {
  const head = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values `;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    const params: SqlValue[] = [];
    for (const row of chunk) for (const c of columns) params.push(row[c]);
    // em.execute runs inside the EntityManager's transaction when there is one.
    await em.execute(head + chunk.map(() => tuple).join(', '), params, 'run');
  }
}

/** Writes the rows with multi-row INSERTs, parents first. Call inside a transaction. */
export async function writeRows(em: EntityManager, rows: SeedRows): Promise<void> {
  await insertRows(em, 'client', CLIENT_COLUMNS, rows.clients);
  await insertRows(em, 'supply_chain_link', LINK_COLUMNS, rows.links);
  await insertRows(em, 'contact', CONTACT_COLUMNS, rows.contacts);
  await insertRows(em, 'interaction', INTERACTION_COLUMNS, rows.interactions);
  await insertRows(em, 'feedback', FEEDBACK_COLUMNS, rows.feedback);
}

export const DAY_MS = 86_400_000;

/** `now` minus whole days, at a Beijing business hour (`hour` is China Standard Time, UTC+8). */
export function daysAgo(now: Date, days: number, hour = 10, minute = 0): Date {
  const d = new Date(now.getTime() - days * DAY_MS);
  d.setUTCHours(hour - 8, minute, 0, 0);
  // A past date must stay in the past even when `now` is earlier in the day than `hour`.
  if (days >= 0 && d.getTime() > now.getTime()) d.setTime(d.getTime() - DAY_MS);
  return d;
}

export function iso(d: Date): string {
  return d.toISOString();
}

/** A seeded client's next review date: as the migration backfills existing clients. */
export function seedNextReview(status: ClientStatus, created: Date, now: Date): string | null {
  return anniversaryReviewOn(businessDate(created), status, businessDate(now));
}
