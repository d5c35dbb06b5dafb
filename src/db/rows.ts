import { createRequire } from 'node:module';
import { raw as rawSql, ReferenceKind, type EntityMetadata, type EntityProperty } from '@mikro-orm/core';
import type { EntityManager, QueryBuilder } from '@mikro-orm/postgresql';
import { sqlRows } from './sql.js';

/**
 * The read path's rows: an entity's columns as a plain object, with the entity's property names
 * and types, and each many-to-one relation as `{ id }` — what an unpopulated reference offers.
 * Not managed by the ORM (no identity map, unit of work or change-set snapshot), so reads do
 * not pay for write machinery; writes load entities through the EntityManager as before.
 * An entity is a `Row` of itself, so field resolvers typed on `Row<E>` serve both.
 */
export type Row<E> = {
  [K in keyof E as E[K] extends (...args: never[]) => unknown ? never : K]: RowValue<E[K]>;
};

/** A reference's row value: its id, as an unpopulated reference has. */
type RowValue<V> = V extends Date ? V : V extends { id: infer I } ? { id: I } : V;

type Convert = (raw: unknown) => unknown;

interface Column {
  property: string;
  field: string;
  convert: Convert | null;
}

/** How an entity's table reads into rows; built once per entity class. */
export interface RowShape<E> {
  table: string;
  /** `alias.column as "property", …` for a select list. */
  select(alias: string): string;
  /** A row from a result whose columns `select(alias)` named. */
  map(raw: Record<string, unknown>): Row<E>;
}

/**
 * PostgreSQL's text timestamps (the ORM's pg type parsers keep them as text) to Dates, with pg's
 * own parser: `new Date()` reads year 0099 as 1999 and refuses BC.
 */
/** pg's own timestamp parser (a CommonJS function export). */
const parsePgDate = createRequire(import.meta.url)('postgres-date') as (text: string) => Date | number | null;
const toDate: Convert = (raw) => (raw == null || raw instanceof Date ? raw ?? null : parsePgDate(String(raw)));
const toBigInt: Convert = (raw) => (raw == null || typeof raw === 'bigint' ? raw ?? null : BigInt(String(raw)));
const toNumber: Convert = (raw) => (raw == null || typeof raw === 'number' ? raw ?? null : Number(raw));
const toReference: Convert = (raw) => (raw == null ? null : { id: raw });

function columnOf(prop: EntityProperty): Column | null {
  if (prop.persist === false || prop.formula) return null;
  if (prop.kind === ReferenceKind.SCALAR) {
    // pg gives bigint and numeric columns as text: convert where the entity holds another type.
    const convert = prop.runtimeType === 'Date' ? toDate : prop.runtimeType === 'bigint' ? toBigInt : prop.runtimeType === 'number' ? toNumber : null;
    return { property: prop.name, field: prop.fieldNames[0]!, convert };
  }
  if (prop.kind === ReferenceKind.MANY_TO_ONE || (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner)) {
    if (prop.fieldNames.length !== 1) throw new Error(`rows: composite reference ${prop.name} is not supported`);
    return { property: prop.name, field: prop.fieldNames[0]!, convert: toReference };
  }
  return null;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

const shapes = new WeakMap<object, RowShape<unknown>>();

/** The row shape of `entity`, from the ORM's metadata (the same for every ORM instance). */
export function rowShape<E extends object>(em: EntityManager, entity: abstract new (...args: never[]) => E): RowShape<E> {
  const known = shapes.get(entity);
  if (known) return known as RowShape<E>;
  const meta = em.getMetadata().get(entity.name) as EntityMetadata<E>;
  const columns = meta.props.map(columnOf).filter((c): c is Column => c !== null);
  const converted = columns.filter((c) => c.convert);
  const shape: RowShape<E> = {
    table: meta.tableName,
    select: (alias) => columns.map((c) => `${alias}.${quote(c.field)} as ${quote(c.property)}`).join(', '),
    map(raw) {
      for (const c of converted) raw[c.property] = c.convert!(raw[c.property]);
      return raw as Row<E>;
    },
  };
  shapes.set(entity, shape as RowShape<unknown>);
  return shape;
}

/**
 * Rows of `entity` from one statement. `sql` is the statement with `{columns}` where the select
 * list goes (`select {columns} from client c where …`) — `alias` names the table in it. Other
 * columns the statement selects (`Extra`, e.g. the key of a batch) stay on the rows as they are.
 */
export async function readRows<E extends object, Extra extends object = object>(
  em: EntityManager,
  entity: abstract new (...args: never[]) => E,
  sql: string,
  params: readonly unknown[] = [],
  alias = 't',
): Promise<(Row<E> & Extra)[]> {
  const shape = rowShape(em, entity);
  const raw = await sqlRows<Record<string, unknown>>(em, sql.replace('{columns}', shape.select(alias)), params);
  return raw.map((r) => shape.map(r) as Row<E> & Extra);
}

/**
 * Rows of `entity` whose `property` (a column or a many-to-one reference) is one of `values`, in
 * `orderBy` order (entity property names). One statement, for a DataLoader batch.
 */
export async function readRowsWhereIn<E extends object>(
  em: EntityManager,
  entity: abstract new (...args: never[]) => E,
  property: string,
  values: readonly unknown[],
  orderBy: readonly [property: string, direction: 'asc' | 'desc'][] = [],
): Promise<Row<E>[]> {
  if (!values.length) return [];
  const meta = em.getMetadata().get(entity.name) as EntityMetadata<E>;
  const column = (name: string) => {
    const prop = (meta.properties as Record<string, EntityProperty | undefined>)[name];
    if (!prop?.fieldNames?.length) throw new Error(`rows: ${entity.name} has no column for ${name}`);
    return `t.${quote(prop.fieldNames[0]!)}`;
  };
  const order = orderBy.length ? ` order by ${orderBy.map(([p, dir]) => `${column(p)} ${dir}`).join(', ')}` : '';
  return readRows(em, entity, `select {columns} from ${quote(rowShape(em, entity).table)} t where ${column(property)} in (?)${order}`, [values]);
}

/**
 * Rows of the entity a QueryBuilder reads (its filters, order and limit as built), selected
 * through the row shape and not hydrated: the builder writes the SQL, nothing tracks the result.
 */
export async function readQueryRows<E extends object>(
  em: EntityManager,
  entity: abstract new (...args: never[]) => E,
  qb: QueryBuilder<E>,
  alias: string,
): Promise<Row<E>[]> {
  const shape = rowShape(em, entity);
  const found = await qb.select(rawSql(shape.select(alias))).execute<Record<string, unknown>[]>('all', false);
  return found.map((r) => shape.map(r));
}
