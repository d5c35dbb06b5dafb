import type { EntityManager } from '@mikro-orm/postgresql';
import { OutboxEvent } from './outbox.entity.js';
import { badInput } from '../core/errors.js';
import { isDefinedTopic, type PayloadOf, type Topic } from './catalogue.js';

/** A delivered outbox row. `position` orders events; its opaque form is the subscription cursor. */
export interface DomainEvent {
  seq: string;
  txid: string;
  topic: string;
  aggregateId: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

export interface Position {
  txid: bigint;
  seq: bigint;
}

/**
 * Queues an event in the caller's unit of work, so it commits (or rolls back) with the change it
 * describes. Call it inside the service's transaction. The topic must be in the catalogue
 * (`catalogue.ts`) and the payload of its type.
 */
export function appendEvent<T extends Topic>(em: EntityManager, topic: T, aggregateId: string, payload: PayloadOf<T>): void {
  if (!isDefinedTopic(topic)) throw new Error(`outbox topic ${topic} is not in the catalogue`);
  em.persist(em.create(OutboxEvent, { topic: topic as string, aggregateId, payload: payload as unknown as Record<string, unknown> } as OutboxEvent));
}

/** An insert of outbox rows, to run as is or as a data-modifying `with` part of a larger statement. */
export interface OutboxInsert {
  sql: string;
  bindings: string[];
}

/**
 * The statement that appends several events of one catalogued topic, in the order given: for
 * set-based writers (the webhook's group commit) that do not go through the unit of work and
 * may fold it into a statement of their own. Same rows as `appendEvent` would queue.
 */
export function outboxInsert<T extends Topic>(topic: T, events: readonly { aggregateId: string; payload: PayloadOf<T> }[]): OutboxInsert {
  if (!isDefinedTopic(topic)) throw new Error(`outbox topic ${topic} is not in the catalogue`);
  return {
    sql: `insert into outbox_event (topic, aggregate_id, payload) select ?, r.e->>'a', r.e->'p' from jsonb_array_elements(?::jsonb) with ordinality as r(e, ord) order by r.ord`,
    bindings: [topic as string, JSON.stringify(events.map((e) => ({ a: e.aggregateId, p: e.payload })))],
  };
}

export function positionOf(e: Pick<DomainEvent, 'txid' | 'seq'>): Position {
  return { txid: BigInt(e.txid), seq: BigInt(e.seq) };
}

export function comparePositions(a: Position, b: Position): number {
  if (a.txid !== b.txid) return a.txid < b.txid ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

const MAX_XID8 = 2n ** 64n - 1n;
const MAX_BIGINT = 2n ** 63n - 1n;

/** The opaque cursor of an event: base64url of `<txid>.<seq>`. */
export function encodeEventCursor(p: Position): string {
  return Buffer.from(`${p.txid}.${p.seq}`).toString('base64url');
}

export function decodeEventCursor(cursor: string, field = 'after'): Position {
  const m = /^(\d{1,20})\.(\d{1,20})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw badInput(field, 'is not a cursor this subscription returned');
  const p = { txid: BigInt(m[1]!), seq: BigInt(m[2]!) };
  // Beyond what the columns hold (xid8, bigint), the database would refuse the comparison.
  if (p.txid > MAX_XID8 || p.seq > MAX_BIGINT) throw badInput(field, 'is not a cursor this subscription returned');
  return p;
}
