/**
 * The kernel's errors: what every layer throws when the caller can act on the failure. Mapped
 * to GraphQL errors in one place, at the edge (`graphql/errors.ts`).
 */

/**
 * Codes a domain error can carry. Each maps to `extensions.code` in one place (`toGraphQLError` in `graphql/errors.ts`).
 * Domain codes beyond the generic ones are added here as the domains need them.
 */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  /** Financing: the deal does not fit what is available on the credit line. */
  | 'CREDIT_LIMIT_EXCEEDED'
  /** Financing: the annual rate is above the legal cap (a multiple of the one-year LPR). */
  | 'RATE_CAP_EXCEEDED'
  /** Financing: the deal is held by AML screening until an ADMIN clears it. */
  | 'AML_HOLD'
  /** Events: re-running a dead letter's handler failed again; the dead letter is kept. */
  | 'RETRY_FAILED';

/** A failure the caller can act on. `field` names the offending input field (dotted path). */
export class DomainError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly field?: string,
    public readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError || (e instanceof Error && e.name === 'DomainError' && 'code' in e);
}

export const badInput = (field: string, rule: string, details?: Record<string, unknown>) =>
  new DomainError('BAD_USER_INPUT', `${field}: ${rule}`, field, details);
export const notFound = (what: string, id: string) => new DomainError('NOT_FOUND', `${what} ${id} not found`, undefined, { id });
export const conflict = (message: string, field?: string, details?: Record<string, unknown>) =>
  new DomainError('CONFLICT', message, field, details);
export const forbidden = (message = 'your role may not do this') => new DomainError('FORBIDDEN', message);
export const unauthenticated = (message = 'an API key is required: send Authorization: Bearer <key>') =>
  new DomainError('UNAUTHENTICATED', message);
