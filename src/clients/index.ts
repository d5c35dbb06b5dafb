import type { NonEmptyArray } from 'type-graphql';
import { ClientChangedResolver } from './client-changed.resolver.js';
import { ClientResolver } from './client.resolver.js';
import { ClientContactsResolver, ContactResolver } from './contact.resolver.js';
import { ClientFeedbackResolver, FeedbackResolver } from './feedback.resolver.js';
import { ClientInteractionsResolver, FollowUpResolver, InteractionResolver } from './interaction.resolver.js';
import { ClientSupplyChainResolver, SupplyChainResolver } from './supply-chain.resolver.js';

/** The clients domain's resolvers, for the schema. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const CLIENT_RESOLVERS: NonEmptyArray<Function> = [
  ClientResolver,
  ClientSupplyChainResolver,
  SupplyChainResolver,
  ClientContactsResolver,
  ContactResolver,
  ClientInteractionsResolver,
  InteractionResolver,
  FollowUpResolver,
  ClientFeedbackResolver,
  FeedbackResolver,
  ClientChangedResolver,
];
