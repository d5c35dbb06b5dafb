import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ADMINS, SHIPMENT_READERS } from '../auth/viewer.js';
import { Role } from '../auth/api-key.entity.js';
import type { Context } from '../graphql/context.js';
import { RegisterLogisticsPartnerInput, UpdateLogisticsPartnerInput } from './logistics.inputs.js';
import { LogisticsPartner } from './partner.entity.js';
import { PartnerService } from './partner.service.js';
import type { Row } from '../db/rows.js';

@Resolver(() => LogisticsPartner)
export class LogisticsPartnerResolver {
  @Authorized(...ADMINS)
  @Mutation(() => LogisticsPartner, { description: 'Registers a partner account; credentials and the webhook secret are stored encrypted and never returned' })
  async registerLogisticsPartner(@Arg('input', () => RegisterLogisticsPartnerInput) input: RegisterLogisticsPartnerInput, @Ctx() ctx: Context): Promise<LogisticsPartner> {
    return new PartnerService(ctx.em, ctx.hub.logistics.secrets).register(input);
  }

  @Authorized(...ADMINS)
  @Mutation(() => LogisticsPartner, {
    description:
      'Changes a partner (only the fields given): rotates credentials (used from the next pull) or the webhook secret (the old one stays valid for a grace window), pauses or resumes it',
  })
  async updateLogisticsPartner(@Arg('input', () => UpdateLogisticsPartnerInput) input: UpdateLogisticsPartnerInput, @Ctx() ctx: Context): Promise<LogisticsPartner> {
    return new PartnerService(ctx.em, ctx.hub.logistics.secrets).update(input);
  }

  @Authorized(...SHIPMENT_READERS)
  @Query(() => [LogisticsPartner], { description: 'Registered partners by code (a PARTNER key sees its own)' })
  async logisticsPartners(@Ctx() ctx: Context): Promise<LogisticsPartner[]> {
    const where = ctx.viewer?.role === Role.PARTNER ? { code: ctx.viewer.partnerCode ?? '' } : {};
    return ctx.em.find(LogisticsPartner, where, { orderBy: { code: 'asc' } });
  }

  @FieldResolver(() => Boolean, { description: 'Credentials are stored (never returned)' })
  hasCredentials(@Root() p: Row<LogisticsPartner>): boolean {
    return Boolean(p.credentialsSealed);
  }

  @FieldResolver(() => Boolean, { description: 'A webhook secret is stored (never returned); without one every push is refused' })
  hasWebhookSecret(@Root() p: Row<LogisticsPartner>): boolean {
    return Boolean(p.webhookSecretSealed);
  }
}
