import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema, type NonEmptyArray, type PubSub } from 'type-graphql';
import { authChecker } from '../auth/auth-checker.js';
import { AUTH_RESOLVERS } from '../auth/index.js';
import { CLIENT_RESOLVERS } from '../clients/index.js';
import { DeadLetterResolver } from './dead-letter.resolver.js';
import { FINANCING_RESOLVERS } from '../financing/index.js';
import { LOGISTICS_RESOLVERS } from '../logistics/index.js';
import { RISK_RESOLVERS } from '../risk/index.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
const RESOLVERS: NonEmptyArray<Function> = [...AUTH_RESOLVERS, ...CLIENT_RESOLVERS, ...FINANCING_RESOLVERS, ...LOGISTICS_RESOLVERS, ...RISK_RESOLVERS, DeadLetterResolver];

/**
 * type-graphql refuses to build a schema with subscriptions unless given a PubSub, even though
 * every subscription here brings its own `subscribe` (an outbox stream from the dispatcher).
 * Topic-based `@Subscription({ topics })` is therefore unsupported, loudly.
 */
const NO_PUBSUB: PubSub = {
  publish() {
    throw new Error('no PubSub: subscriptions stream from the outbox dispatcher (use `subscribe`, not `topics`)');
  },
  subscribe() {
    throw new Error('no PubSub: subscriptions stream from the outbox dispatcher (use `subscribe`, not `topics`)');
  },
};

let built: Promise<GraphQLSchema> | null = null;

/** The executable schema (built once per process; type-graphql metadata is global anyway). */
export function getSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    authMode: 'error',
    validate: false,
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    pubSub: NO_PUBSUB,
  });
  return built;
}

/** The SDL committed as `schema/schema.graphql`. */
export async function printSdl(): Promise<string> {
  return printSchema(lexicographicSortSchema(await getSchema())) + '\n';
}
