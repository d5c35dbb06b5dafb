import type { NonEmptyArray } from 'type-graphql';
import { ClientResolver } from './client.resolver.js';

/** The clients domain's resolvers, for the schema. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const CLIENT_RESOLVERS: NonEmptyArray<Function> = [ClientResolver];
