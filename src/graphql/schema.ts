import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { authChecker } from '../auth/auth-checker.js';
import { AUTH_RESOLVERS } from '../auth/index.js';
import { CLIENT_RESOLVERS } from '../clients/index.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
const RESOLVERS: NonEmptyArray<Function> = [...AUTH_RESOLVERS, ...CLIENT_RESOLVERS];

let built: Promise<GraphQLSchema> | null = null;

/** The executable schema (built once per process; type-graphql metadata is global anyway). */
export function getSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    authMode: 'error',
    validate: false,
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
  });
  return built;
}

/** The SDL committed as `schema/schema.graphql`. */
export async function printSdl(): Promise<string> {
  return printSchema(lexicographicSortSchema(await getSchema())) + '\n';
}
