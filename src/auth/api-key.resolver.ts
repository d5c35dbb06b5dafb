import { Arg, Authorized, Ctx, Field, ID, InputType, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { ApiKey, Role } from './api-key.entity.js';
import { ApiKeyService } from './api-key.service.js';
import { ADMINS, ANYONE } from './viewer.js';
import type { Context } from '../graphql/context.js';

@ObjectType({ description: 'The caller' })
export class ViewerInfo {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Role)
  role!: Role;

  @Field(() => String, { nullable: true })
  partnerCode!: string | null;
}

@InputType()
export class CreateApiKeyInput {
  @Field(() => String)
  name!: string;

  @Field(() => Role)
  role!: Role;

  @Field(() => String, { nullable: true, description: 'Required for PARTNER keys: the partner they act for' })
  partnerCode?: string | null;

  @Field(() => Date, {
    nullable: true,
    description:
      'When the key stops working: in the future and at most 5 years ahead. Left out, the key works until revoked. Open WebSockets of the key are closed when it expires.',
  })
  expiresAt?: Date | null;
}

@ObjectType()
export class CreateApiKeyPayload {
  @Field(() => String, { description: 'The plain key. It is shown this once and cannot be recovered.' })
  key!: string;

  @Field(() => ApiKey)
  apiKey!: ApiKey;
}

@Resolver()
export class ApiKeyResolver {
  @Authorized(...ANYONE)
  @Query(() => ViewerInfo, { description: 'Who the API key in this request belongs to' })
  viewer(@Ctx() ctx: Context): ViewerInfo {
    return ctx.viewer!;
  }

  @Authorized(...ADMINS)
  @Query(() => [ApiKey], { description: 'Every API key, newest first (hashes are never returned)' })
  apiKeys(@Ctx() ctx: Context): Promise<ApiKey[]> {
    return ctx.em.find(ApiKey, {}, { orderBy: { createdAt: 'desc' } });
  }

  @Authorized(...ADMINS)
  @Mutation(() => CreateApiKeyPayload)
  createApiKey(@Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() ctx: Context) {
    return new ApiKeyService(ctx.em).create(input, ctx.viewer);
  }

  @Authorized(...ADMINS)
  @Mutation(() => ApiKey)
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ApiKey> {
    const key = await new ApiKeyService(ctx.em).revoke(id);
    // Committed: this process stops accepting the key now; other hubs on the event.
    ctx.hub.keys.revoked(key.id, 'revoked');
    return key;
  }
}
