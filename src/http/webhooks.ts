import type { FastifyInstance } from 'fastify';
import type { Hub } from '../graphql/context.js';
import { WebhookService } from '../logistics/webhook.service.js';

/**
 * `POST /webhooks/:partnerCode`, in an encapsulated plugin whose content-type parsers hand the
 * raw bytes over untouched (signatures are computed over them); the GraphQL route keeps its own
 * JSON parsing.
 */
export async function webhookRoutes(app: FastifyInstance, hub: Hub): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scope.post<{ Params: { partnerCode: string } }>('/webhooks/:partnerCode', async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const service = new WebhookService(
        () => hub.orm.em.fork(),
        hub.logistics.secrets,
        () => hub.log.child({ requestId: request.id }),
        hub.metrics,
        hub.logistics,
      );
      const answer = await service.receive(request.params.partnerCode, raw, request.headers);
      return reply.code(answer.status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(answer.body));
    });
  });
}
