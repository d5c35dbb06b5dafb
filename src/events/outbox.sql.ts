import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlRows } from '../db/sql.js';
import type { DomainEvent, Position } from './outbox.js';

/**
 * The one place that reads outbox rows. Every read orders by the real `(txid, seq)` columns and
 * compares positions as `xid8`/`bigint`, never as text: the text forms are selected under other
 * names (`txid_text`), because `order by txid` would otherwise resolve to a text output column
 * of that name and sort `100008` before `89685`.
 */

/**
 * Only rows whose writing transaction is older than every transaction still in progress are
 * read. A transaction that has not committed yet therefore always sorts after everything read so
 * far: late commits are held back, never skipped. Read-only transactions have no txid and do not
 * hold reads back; a long-running writing one does.
 */
export const SETTLED = `o.txid < pg_snapshot_xmin(pg_current_snapshot())`;

interface OutboxRow {
  txid_text: string;
  seq_text: string;
  topic: string;
  aggregate_id: string;
  payload: Record<string, unknown>;
  created_at: Date | string;
}

const COLUMNS = `o.txid::text as txid_text, o.seq::text as seq_text, o.topic, o.aggregate_id, o.payload, o.created_at`;

function eventOfRow(r: OutboxRow): DomainEvent {
  return {
    txid: r.txid_text,
    seq: r.seq_text,
    topic: r.topic,
    aggregateId: r.aggregate_id,
    payload: r.payload,
    // The ORM's driver hands timestamps back as strings.
    createdAt: new Date(r.created_at),
  };
}

/** A text[] literal of topic names (names are `[a-z._]`; the quotes keep any other safe). */
const textArray = (values: readonly string[]) => `{${values.map((v) => `"${v.replace(/["\\]/g, '')}"`).join(',')}}`;

/** A position as these reads select it (text forms, compared nowhere but in SQL). */
export interface PositionRow {
  txid_text: string;
  seq_text: string;
}

export const positionOfRow = (r: PositionRow): Position => ({ txid: BigInt(r.txid_text), seq: BigInt(r.seq_text) });

export interface SettledRead {
  /** Exclusive lower bound. */
  after: Position;
  /** Inclusive upper bound. */
  upTo?: Position;
  /** Only these topics (all when absent). */
  topics?: readonly string[];
  limit: number;
}

/** Settled events after a position, in commit order, through `em` (in its transaction when it has one). */
export async function readSettled(em: EntityManager, read: SettledRead): Promise<DomainEvent[]> {
  const params: unknown[] = [read.after.txid.toString(), read.after.seq.toString()];
  let where = `(o.txid, o.seq) > (?::text::xid8, ?::bigint)`;
  if (read.upTo) {
    params.push(read.upTo.txid.toString(), read.upTo.seq.toString());
    where += ` and (o.txid, o.seq) <= (?::text::xid8, ?::bigint)`;
  }
  if (read.topics) {
    params.push(textArray(read.topics));
    where += ` and o.topic = any(?::text[])`;
  }
  params.push(read.limit);
  const rows = await sqlRows<OutboxRow>(
    em,
    `select ${COLUMNS} from outbox_event o where ${where} and ${SETTLED} order by o.txid, o.seq limit ?`,
    params,
  );
  return rows.map(eventOfRow);
}

/**
 * The settled horizon: the position of the newest settled event, or `{0, 0}` on an empty outbox.
 * Where a new reader starts: everything after it is either committed after the reader looked, or
 * still held back by an older transaction — never skipped.
 */
export async function settledHorizon(em: EntityManager): Promise<Position> {
  const [row] = await sqlRows<PositionRow>(
    em,
    `select o.txid::text as txid_text, o.seq::text as seq_text from outbox_event o where ${SETTLED} order by o.txid desc, o.seq desc limit 1`,
  );
  return row ? positionOfRow(row) : { txid: 0n, seq: 0n };
}
