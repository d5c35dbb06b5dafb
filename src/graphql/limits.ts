import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { Config } from '../config.js';

/**
 * Depth, cost and alias limits (and introspection where it is off). Apollo applies them to HTTP
 * through `validationRules`; graphql-ws does not see those, so the WebSocket server validates
 * with `validateWithLimits` — one list, both transports.
 */
export function limitRules(config: Config): ValidationRule[] {
  // graphql-armor throws by default (envelop catches it); as plain validation rules they must
  // report instead, so that the operation is refused as invalid (400), not as a crash (500).
  const report = {
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [(ctx: ValidationContext | null, err: GraphQLError) => ctx?.reportError(err)],
  };
  const rules: ValidationRule[] = [
    maxDepthRule({ n: config.GRAPHQL_MAX_DEPTH, flattenFragments: true, ...report }) as unknown as ValidationRule,
    costLimitRule({ maxCost: config.GRAPHQL_MAX_COST, ...report }) as unknown as ValidationRule,
    maxAliasesRule({ n: config.GRAPHQL_MAX_ALIASES, ...report }) as unknown as ValidationRule,
  ];
  if (!config.introspection) rules.push(NoSchemaIntrospectionCustomRule);
  return rules;
}

/** graphql's `validate` with the standard rules plus the limits; errors carry a code. */
export function validateWithLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  rules: readonly ValidationRule[],
): GraphQLError[] {
  return validate(schema, document, [...specifiedRules, ...rules]).map(
    (e) =>
      new GraphQLError(e.message, {
        nodes: e.nodes,
        source: e.source,
        positions: e.positions,
        path: e.path,
        originalError: e.originalError,
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', ...e.extensions },
      }),
  );
}
