import type { DomainEvent } from './outbox.js';

/**
 * The outbox's catalogue: every topic and the type of its payload.
 *
 * Empty here, because the events layer sits below the domains: each domain adds its topics from
 * its `<domain>.events.ts` by declaration merging, and registers the topic's parser with
 * `defineTopic` in the same file —
 *
 * ```ts
 * declare module '../events/catalogue.js' {
 *   interface EventCatalogue { 'client.changed': ClientChangedPayload }
 * }
 * export const CLIENT_CHANGED = defineTopic('client.changed', parseClientChanged);
 * ```
 *
 * `appendEvent` takes only catalogued topics with their payload type, and `payloadOf` reads a
 * payload back through the topic's parser: no payload is built or read by hand elsewhere.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EventCatalogue {}

/** A catalogued topic. */
export type Topic = keyof EventCatalogue & string;
export type PayloadOf<T extends Topic> = EventCatalogue[T];

/** Turns a stored payload back into its type; tolerant of events written by older code. */
export type PayloadParser<T extends Topic> = (raw: Record<string, unknown>) => PayloadOf<T>;

const parsers = new Map<string, (raw: Record<string, unknown>) => unknown>();

/** Registers a topic's parser; returns the topic, for the domain's constant. */
export function defineTopic<T extends Topic>(topic: T, parse: PayloadParser<T>): T {
  parsers.set(topic, parse);
  return topic;
}

/** Whether a topic is in the catalogue (its domain module was loaded). */
export function isDefinedTopic(topic: string): topic is Topic {
  return parsers.has(topic);
}

/** Whether `e` is of `topic` (a guard for `payloadOf`). */
export function isEvent<T extends Topic>(e: Pick<DomainEvent, 'topic'>, topic: T): boolean {
  return e.topic === topic;
}

/** An event's payload, parsed by its topic's parser; throws when the event is of another topic. */
export function payloadOf<T extends Topic>(e: Pick<DomainEvent, 'topic' | 'payload'>, topic: T): PayloadOf<T> {
  if (e.topic !== topic) throw new Error(`payloadOf: a ${e.topic} event read as ${topic}`);
  const parse = parsers.get(topic);
  if (!parse) throw new Error(`outbox topic ${topic} is not in the catalogue (its domain's events module is not loaded)`);
  return parse(e.payload) as PayloadOf<T>;
}

/** Readers for parsers: a field of the stored JSON, or a default when it is missing or of another type. */
export const read = {
  str: (raw: Record<string, unknown>, k: string, fallback = ''): string => (typeof raw[k] === 'string' ? (raw[k] as string) : fallback),
  strOrNull: (raw: Record<string, unknown>, k: string): string | null => (typeof raw[k] === 'string' ? (raw[k] as string) : null),
  num: (raw: Record<string, unknown>, k: string, fallback = 0): number => (typeof raw[k] === 'number' && Number.isFinite(raw[k]) ? (raw[k] as number) : fallback),
  numOrNull: (raw: Record<string, unknown>, k: string): number | null => (typeof raw[k] === 'number' && Number.isFinite(raw[k]) ? (raw[k] as number) : null),
  bool: (raw: Record<string, unknown>, k: string): boolean => raw[k] === true,
  strings: (raw: Record<string, unknown>, k: string): string[] => (Array.isArray(raw[k]) ? (raw[k] as unknown[]).filter((v): v is string => typeof v === 'string') : []),
  object: (raw: Record<string, unknown>, k: string): Record<string, unknown> | null =>
    raw[k] !== null && typeof raw[k] === 'object' && !Array.isArray(raw[k]) ? (raw[k] as Record<string, unknown>) : null,
  /** A string that must be one of `values` (an enum's), else `fallback`. */
  oneOf: <V extends string>(raw: Record<string, unknown>, k: string, values: readonly V[], fallback: V): V =>
    typeof raw[k] === 'string' && (values as readonly string[]).includes(raw[k] as string) ? (raw[k] as V) : fallback,
};
