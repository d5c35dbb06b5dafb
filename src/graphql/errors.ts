import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isDomainError, type DomainError } from '../core/errors.js';

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
