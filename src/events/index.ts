import type { NonEmptyArray } from 'type-graphql';
import { DeadLetterResolver } from './dead-letter.resolver.js';

/** The events module's resolvers (the dead letters of outbox consumers), for the schema. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const EVENT_RESOLVERS: NonEmptyArray<Function> = [DeadLetterResolver];
