import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlRows } from '../db/sql.js';
import { EXCEPTION_STATUSES } from '../logistics/tracking.js';

/** The operational dimension and `CARRIER_SAFETY` look at shipments created in this window. */
export const OPERATIONAL_WINDOW_DAYS = 365;

/**
 * SQL condition on a `shipment s`: it is an exception — an exception status, or an exception
 * reason other than a mere delay (delays are counted on their own). One parameter: `EXCEPTION_STATUS_LIST`.
 */
export const IS_EXCEPTION_SQL = `(s.status in (?) or s.exception_reason is not null and s.exception_reason <> 'DELAYED')`;
export const EXCEPTION_STATUS_LIST: readonly string[] = [...EXCEPTION_STATUSES];

/**
 * SQL selecting the clients whose shipments a logistics provider carries: the core enterprises
 * it is linked to as their LOGISTICS_PROVIDER (shipments carry no carrier-client of their own).
 * One parameter: the provider's id.
 */
export const CARRIED_FOR_SQL = `select core_enterprise_id from supply_chain_link where counterparty_id = ? and role = 'LOGISTICS_PROVIDER'`;

/** The logistics providers that carry a client's goods (the reverse of `CARRIED_FOR_SQL`), by id. */
/** The logistics providers of several clients, together, sorted (one read). */
export async function carriersOfAll(em: EntityManager, clientIds: readonly string[]): Promise<string[]> {
  if (!clientIds.length) return [];
  const rows = await sqlRows<{ id: string }>(
    em,
    `select distinct counterparty_id as id from supply_chain_link where core_enterprise_id in (?) and role = 'LOGISTICS_PROVIDER' order by counterparty_id`,
    [clientIds],
  );
  return rows.map((r) => r.id);
}

export async function carriersOf(em: EntityManager, clientId: string): Promise<string[]> {
  const rows = await sqlRows<{ id: string }>(
    em,
    `select counterparty_id as id from supply_chain_link where core_enterprise_id = ? and role = 'LOGISTICS_PROVIDER' order by counterparty_id`,
    [clientId],
  );
  return rows.map((r) => r.id);
}
