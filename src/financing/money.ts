import { Decimal } from 'decimal.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../core/errors.js';
import { UTILIZING_STATUSES } from './financing.enums.js';
import { isIsoDate } from './financing.rules.js';
import { sqlRows } from '../db/sql.js';

import type { Actor } from '../core/actor.js';

export const SYSTEM_SCAN: Actor = { id: null, name: 'delinquency scan' };

let lastStamp = 0;
/**
 * Now, but strictly later than the previous call in this process: history entries written in
 * one transaction (a submission and its AML hold, a repayment and its cure) keep their order
 * when listed by time.
 */
export function historyStamp(): Date {
  lastStamp = Math.max(Date.now(), lastStamp + 1);
  return new Date(lastStamp);
}

/** An amount of money: positive (or zero when `allowZero`), at most two decimals. */
export function moneyArg(field: string, value: Decimal, { allowZero = false } = {}): Decimal {
  if (value.isNegative() || (!allowZero && value.isZero())) throw badInput(field, allowZero ? 'must not be negative' : 'must be positive');
  if (value.decimalPlaces() > 2) throw badInput(field, 'must have at most two decimals');
  if (value.greaterThanOrEqualTo('1e18')) throw badInput(field, 'is too large');
  return value;
}

export function currencyArg(field: string, value: string | null | undefined): string {
  const code = (value ?? 'CNY').trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) throw badInput(field, 'must be a three-letter ISO 4217 code such as CNY');
  return code;
}

export function dateArg(field: string, value: string): string {
  if (!isIsoDate(value)) throw badInput(field, 'must be a date YYYY-MM-DD');
  return value;
}

export function integerArg(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw badInput(field, `must be a whole number from ${min} to ${max}`);
  return value;
}

/**
 * What each credit line carries: approved-not-yet-disbursed amounts plus outstanding principal.
 * One statement for any number of lines; run inside the caller's transaction when it has one.
 */
export async function utilizationOf(em: EntityManager, lineIds: readonly string[]): Promise<Map<string, Decimal>> {
  if (!lineIds.length) return new Map();
  const rows = await sqlRows<{ credit_line_id: string; utilized: string }>(
    em,
    `select credit_line_id, coalesce(sum(case when status = 'APPROVED' then amount else outstanding_principal end), 0)::text as utilized
       from financing where credit_line_id in (?) and status in (?) group by credit_line_id`,
    [[...lineIds], [...UTILIZING_STATUSES]],
  );
  return new Map(rows.map((r) => [r.credit_line_id, new Decimal(r.utilized)]));
}
