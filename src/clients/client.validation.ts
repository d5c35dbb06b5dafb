import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { badInput, type DomainError } from '../core/errors.js';
import { USCC_RULES, usccProblem } from './uscc.js';



/** Trims and upper-cases a unified social credit code, then checks it against GB 32100-2015. */
export function normaliseUscc(field: string, value: string): string {
  const code = value.trim().toUpperCase();
  const problem = usccProblem(code);
  if (problem) throw badInput(field, USCC_RULES[problem], { rule: problem });
  return code;
}

/** A moment no later than a few minutes from now (clocks of callers drift). */
export function notInFuture(field: string, value: Date, now = new Date()): Date {
  if (Number.isNaN(value.getTime())) throw badInput(field, 'is not a valid date-time');
  if (value.getTime() > now.getTime() + 5 * 60_000) throw badInput(field, 'must not be in the future');
  return value;
}

/**
 * Runs `work`; a unique violation of `constraint` (a concurrent request won the race between our
 * check and our insert) becomes `onViolation()` instead of a server error.
 */
export async function mapUniqueViolation<T>(
  work: () => Promise<T>,
  constraint: string,
  onViolation: () => DomainError,
): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException && (err as { constraint?: string }).constraint === constraint) {
      throw onViolation();
    }
    throw err;
  }
}


