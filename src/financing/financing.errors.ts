import type { Decimal } from 'decimal.js';
import { conflict, DomainError } from '../core/errors.js';
import { FINANCING_TRANSITIONS, type FinancingStatus } from './financing.enums.js';
import { percent, type DatedRate } from './financing.rules.js';

/** CONFLICT naming the current state and the allowed moves. */
export function illegalTransition(current: FinancingStatus, to: FinancingStatus, what = 'financing'): DomainError {
  const allowed = FINANCING_TRANSITIONS[current];
  const options = allowed.length ? `it may move to ${allowed.join(', ')}` : 'that status is final';
  return conflict(`${what} is ${current}, cannot become ${to}; ${options}`, undefined, { current, allowed: [...allowed] });
}

export function creditLimitExceeded(lineId: string, currency: string, available: Decimal, requested: Decimal): DomainError {
  return new DomainError(
    'CREDIT_LIMIT_EXCEEDED',
    `credit line ${lineId} has ${available.toFixed(2)} ${currency} available; the deal needs ${requested.toFixed(2)} ${currency}`,
    undefined,
    { creditLineId: lineId, available: available.toFixed(2), requested: requested.toFixed(2), currency },
  );
}

export function rateCapExceeded(rate: Decimal, cap: Decimal, multiple: Decimal, lpr: DatedRate, contractDate: string): DomainError {
  return new DomainError(
    'RATE_CAP_EXCEEDED',
    `input.annualRate: ${percent(rate)} is above the cap of ${percent(cap)} = ${multiple.toFixed()} × the one-year LPR of ` +
      `${percent(lpr.rate)} in force since ${lpr.effectiveDate} (contract date ${contractDate})`,
    'input.annualRate',
    { cap: cap.toFixed(), lpr: lpr.rate.toFixed(), lprDate: lpr.effectiveDate, multiple: multiple.toFixed(), contractDate },
  );
}

export function amlHeld(financingId: string, reason: string | null | undefined): DomainError {
  return new DomainError('AML_HOLD', `financing ${financingId} is held by AML screening (${reason ?? 'watch list match'}); an ADMIN must clear it first`, undefined, {
    financingId,
  });
}
