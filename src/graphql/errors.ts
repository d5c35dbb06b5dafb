import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/**
 * Codes a domain error can carry. Each maps to `extensions.code` in one place (`toGraphQLError`).
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

/** The one mapping from domain errors to GraphQL errors. */
export function toGraphQLError(err: DomainError): GraphQLError {
  return new GraphQLError(err.message, {
    extensions: {
      code: err.code,
      ...(err.field ? { field: err.field } : {}),
      ...(err.details ?? {}),
    },
  });
}

/** PostgreSQL SQLSTATEs that a caller caused (and can fix) rather than a server fault. */
const PG_UNIQUE_VIOLATION = '23505';

/**
 * Apollo / graphql-ws `formatError`: domain errors become coded errors; validation errors keep
 * their code; anything unexpected becomes INTERNAL_SERVER_ERROR without internals in production.
 */
export function formatError(production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // Duck-typed: graphql may be loaded twice (ESM and CJS), so `instanceof GraphQLError` can lie.
    const original = (error as { originalError?: unknown } | null)?.originalError ?? error;
    if (isDomainError(original)) {
      const mapped = toGraphQLError(original);
      return { ...formatted, message: mapped.message, extensions: { ...mapped.extensions } };
    }
    if ((original as { code?: string } | undefined)?.code === PG_UNIQUE_VIOLATION) {
      return { ...formatted, message: 'the value is already taken', extensions: { code: 'CONFLICT' } };
    }
    const code = formatted.extensions?.code;
    if (code && code !== 'INTERNAL_SERVER_ERROR') return formatted;
    if ((original as { name?: string } | null)?.name === 'GraphQLError') return formatted;
    return {
      message: production ? 'internal error' : formatted.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
