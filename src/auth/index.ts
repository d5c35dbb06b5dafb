import type { NonEmptyArray } from 'type-graphql';
import { ApiKeyResolver } from './api-key.resolver.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const AUTH_RESOLVERS: NonEmptyArray<Function> = [ApiKeyResolver];
