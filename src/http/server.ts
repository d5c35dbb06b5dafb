import { randomUUID } from 'node:crypto';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import fastifyApollo from '@as-integrations/fastify';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { Role } from '../auth/api-key.entity.js';
import { SocketSessions } from '../auth/socket-sessions.js';
import type { Viewer } from '../auth/viewer.js';
import { createContext, type Context, type Hub } from '../graphql/context.js';
import { isDomainError } from '../core/errors.js';
import { formatError } from '../graphql/errors.js';
import { limitRules, validateWithLimits } from '../graphql/limits.js';
import { SubscriptionFanout } from '../graphql/subscription-fanout.js';
import { migrationsApplied } from '../db/orm.js';
import { parseSnapshot } from '../events/dispatcher.js';
import { queriesInScope, runInQueryScope } from '../db/query-scope.js';
import { webhookRoutes } from './webhooks.js';

/** Largest accepted request body (HTTP) and WebSocket message. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpServer {
  app: FastifyInstance;
  /** Stops taking work, closes subscriptions (code 1001), drains in-flight requests. */
  close(): Promise<void>;
  /** Marks the hub as not ready (503 on /readyz) ahead of shutdown. */
  setDraining(): void;
  /** The shared subscription executions (for tests and gauges). */
  fanout: SubscriptionFanout;
}

/**
 * What of the viewer a subscription's resolution can read: the role (the `@Authorized` guards of
 * the fields it reaches) and, for a PARTNER key, its partner (`scopeOf` in the shipment
 * resolvers). Subscribers with equal scopes share one resolution per event.
 */
export function accessScope(viewer: Viewer | null): string {
  if (!viewer) return 'anonymous';
  return viewer.role === Role.PARTNER ? `${viewer.role}:${viewer.partnerCode ?? ''}` : viewer.role;
}

function createFanout(hub: Hub, schema: GraphQLSchema): SubscriptionFanout {
  return new SubscriptionFanout({
    schema,
    dispatcher: hub.dispatcher,
    resumeArgument: 'after',
    maxQueue: hub.config.WS_SUBSCRIBER_QUEUE,
    scopeOf: (context) => accessScope((context as Context).viewer),
    sharedContext: (context, dispatcher) => createContext({ ...hub, dispatcher }, (context as Context).viewer, `ws-shared-${randomUUID()}`),
    snapshot: async () => {
      const rows = await hub.orm.em.fork().getConnection().execute<{ snapshot: string }[]>('select pg_current_snapshot()::text as snapshot', [], 'all');
      return parseSnapshot(rows[0]!.snapshot);
    },
    onBehind: ({ queued, resumeAfter }) => {
      hub.metrics.subscribersBehind.inc();
      hub.log.info({ queued, resumeAfter }, 'subscriber fell behind: ended, may resume with `after`');
    },
  });
}

/** An unknown and a malformed key read the same ('invalid'): the answer never says which keys exist. */
const refusedKey = (status: 'invalid' | 'revoked' | 'expired') =>
  new GraphQLError(`API key ${status}`, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });

/** The viewer of an HTTP request: null without a key; a key that does not work is refused (401). */
async function viewerFor(hub: Hub, header: unknown): Promise<Viewer | null> {
  const { check } = await hub.keys.check(header);
  if (check.status === 'missing') return null;
  if (check.status !== 'live') throw refusedKey(check.status);
  return check.viewer;
}

/** Counts operations and errors for /metrics and logs each operation's outcome. */
function observabilityPlugin(hub: Hub): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, errors }) {
          const type = operation?.operation ?? 'unknown';
          hub.metrics.graphqlOperations.inc({ type, outcome: errors?.length ? 'error' : 'ok' });
        },
        async didEncounterErrors({ errors }) {
          for (const e of errors) {
            const code = isDomainError(e.originalError) ? e.originalError.code : e.extensions?.code;
            hub.metrics.graphqlErrors.inc({ code: String(code ?? 'INTERNAL_SERVER_ERROR') });
            if (!code || code === 'INTERNAL_SERVER_ERROR') {
              hub.log.error({ err: e.originalError ?? e, path: e.path }, 'unexpected GraphQL error');
            }
          }
        },
      };
    },
  };
}

export async function createHttpServer(hub: Hub, schema: GraphQLSchema): Promise<HttpServer> {
  const { config, metrics } = hub;
  let draining = false;

  const app = Fastify({
    loggerInstance: hub.log as FastifyBaseLogger,
    bodyLimit: MAX_BODY_BYTES,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
    },
    // Our own onResponse line replaces fastify's two per request.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    runInQueryScope(done);
  });
  // While draining, a finished request must not leave a keep-alive connection holding close() open.
  app.addHook('onSend', async (_request, reply) => {
    if (draining) reply.header('connection', 'close');
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, seconds);
    if (route !== '/healthz' && route !== '/metrics') {
      request.log.info(
        {
          method: request.method,
          url: request.url.split('?')[0],
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
          sqlStatements: queriesInScope(),
        },
        'request',
      );
    }
    done();
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    if (draining) return reply.code(503).send({ status: 'draining' });
    try {
      await hub.orm.em.fork().getConnection().execute('select 1');
      if (!(await migrationsApplied(hub.orm))) return reply.code(503).send({ status: 'migrations pending' });
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'database unavailable' });
    }
  });
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  await webhookRoutes(app, hub);

  // ---- GraphQL over WebSocket (graphql-transport-ws), same port and path ----
  const wss = new WebSocketServer({ server: app.server, path: '/graphql', maxPayload: MAX_BODY_BYTES });
  const rules = limitRules(config);
  interface ConnectionState {
    viewer: Viewer | null;
    operations: Set<string>;
  }
  const fanout = createFanout(hub, schema);
  // Which key each socket holds; closes them when the key is revoked (on any hub) or expires.
  const socketAuth = new SocketSessions(hub.orm, hub.keys, hub.log.child({ component: 'ws-auth' }));
  const wsState = new WeakMap<object, ConnectionState>();
  const stateOf = (extra: object): ConnectionState => {
    let s = wsState.get(extra);
    if (!s) {
      s = { viewer: null, operations: new Set() };
      wsState.set(extra, s);
    }
    return s;
  };
  wss.on('connection', (socket) => {
    metrics.wsConnections.inc();
    socket.once('close', () => metrics.wsConnections.dec());
  });
  const wsServer = useServer<Record<string, unknown>>(
    {
      schema,
      validate: (s, document) => validateWithLimits(s, document, rules),
      // One resolution per event for every subscriber with the same operation, variables and scope.
      subscribe: (args) => fanout.subscribe(args),
      onConnect: async (ctx) => {
        // A refused socket is closed with 4401 and the reason before any operation runs.
        const viewer = await socketAuth.connect(ctx.extra.socket, ctx.connectionParams?.authorization, ctx.extra.request.socket.remoteAddress);
        if (!viewer) return false;
        stateOf(ctx.extra).viewer = viewer;
        hub.log.info({ keyName: viewer.name, role: viewer.role }, 'WebSocket connected');
        return true;
      },
      onSubscribe: async (ctx, id) => {
        // Every operation re-checks the key: a revoked or expired one is refused and its socket closed.
        const refused = await socketAuth.checkOperation(ctx.extra.socket);
        if (refused) return refused;
        const state = stateOf(ctx.extra);
        if (state.operations.size >= config.WS_MAX_SUBSCRIPTIONS) {
          return [
            new GraphQLError(`at most ${config.WS_MAX_SUBSCRIPTIONS} subscriptions per connection`, {
              extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
            }),
          ];
        }
        state.operations.add(id);
        metrics.subscriptions.inc();
        return undefined;
      },
      onComplete: (ctx, id) => {
        if (stateOf(ctx.extra).operations.delete(id)) metrics.subscriptions.dec();
      },
      onClose: (ctx, code) => {
        socketAuth.disconnect(ctx.extra.socket);
        const state = stateOf(ctx.extra);
        if (state.viewer) hub.log.info({ keyName: state.viewer.name, code, subscriptions: state.operations.size }, 'WebSocket closed');
        metrics.subscriptions.dec(state.operations.size);
        state.operations.clear();
      },
      context: (ctx, id) => createContext(hub, stateOf(ctx.extra).viewer, `ws-${id}`),
      onError: (_ctx, _id, _payload, errors) =>
        errors.map((e) => formatError(config.production)(e.toJSON(), e)),
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!result.errors?.length) return undefined;
        return { ...result, errors: result.errors.map((e) => formatError(config.production)(e.toJSON(), e)) };
      },
    },
    wss,
  );

  // ---- GraphQL over HTTP ----
  const apollo = new ApolloServer<Context>({
    schema,
    introspection: config.introspection,
    csrfPrevention: true,
    // main.ts owns the signals; Apollo's own handler would stop it early and re-raise the signal.
    stopOnTerminationSignals: false,
    validationRules: rules,
    formatError: formatError(config.production),
    includeStacktraceInErrorResponses: false,
    // No cache hints are set or read: the cache-control plugin would only wrap every field's resolver.
    plugins: [observabilityPlugin(hub), ApolloServerPluginCacheControlDisabled()],
  });
  await apollo.start();
  await app.register(fastifyApollo(apollo), {
    path: '/graphql',
    method: ['GET', 'POST', 'OPTIONS'],
    context: async (request) => {
      const viewer = await viewerFor(hub, request.headers.authorization);
      return createContext(hub, viewer, request.id);
    },
  });

  return {
    app,
    fanout,
    setDraining() {
      draining = true;
    },
    async close() {
      draining = true;
      // Subscribers are told the server is going away (1001) and can resume elsewhere with `after`.
      socketAuth.stop();
      await wsServer.dispose();
      // Fastify answers new requests 503 and waits for those in flight.
      await app.close();
      await apollo.stop();
    },
  };
}
