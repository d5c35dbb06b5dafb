import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Values read from the database when scraped. */
export interface MetricSources {
  /** Unresolved dead letters per outbox consumer. */
  unresolvedDeadLetters?: () => Promise<Record<string, number>>;
}

/** A scrape must not hang on a database that does not answer. */
const SOURCE_TIMEOUT_MS = 2000;

/** The hub's Prometheus metrics, on a registry of its own (several hubs can share a process in tests). */
export function createMetrics(sources: MetricSources = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'scf_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'scf_http_requests_total',
      help: 'HTTP requests by route and status code',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'scf_http_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['method', 'route'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    graphqlOperations: new Counter({
      name: 'scf_graphql_operations_total',
      help: 'GraphQL operations by type and outcome',
      labelNames: ['type', 'outcome'] as const,
      registers: [registry],
    }),
    graphqlErrors: new Counter({
      name: 'scf_graphql_errors_total',
      help: 'GraphQL errors by code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    dbQueries: new Counter({
      name: 'scf_db_queries_total',
      help: 'SQL statements sent to the database',
      registers: [registry],
    }),
    subscriptions: new Gauge({
      name: 'scf_subscriptions_active',
      help: 'Live GraphQL subscriptions',
      registers: [registry],
    }),
    subscribersBehind: new Counter({
      name: 'scf_subscribers_behind_total',
      help: 'Subscriptions ended because their client fell behind (SUBSCRIBER_BEHIND)',
      registers: [registry],
    }),
    wsConnections: new Gauge({
      name: 'scf_ws_connections_active',
      help: 'Open WebSocket connections',
      registers: [registry],
    }),
    outboxLag: new Gauge({
      name: 'scf_outbox_lag_seconds',
      help: 'Age of the last outbox event when it was dispatched',
      registers: [registry],
    }),
    consumerRetries: new Counter({
      name: 'scf_outbox_consumer_retries_total',
      help: 'Failed attempts of outbox consumers at an event, by consumer and reason (failed: counted toward parking; database-unavailable: not counted)',
      labelNames: ['consumer', 'reason'] as const,
      registers: [registry],
    }),
    consumerLag: new Gauge({
      name: 'scf_outbox_consumer_lag_seconds',
      help: 'How far a durable outbox consumer is behind: the age of the newest event of its last batch when it committed, 0 when it found nothing new',
      labelNames: ['consumer'] as const,
      registers: [registry],
    }),
    consumerEvents: new Counter({
      name: 'scf_outbox_consumer_events_total',
      help: 'Outbox events a durable consumer committed (acted on or found nothing to do), by consumer',
      labelNames: ['consumer'] as const,
      registers: [registry],
    }),
    consumerBatches: new Counter({
      name: 'scf_outbox_consumer_batches_total',
      help: 'Transactions a durable consumer committed, by consumer and mode (batch: several events at once; single: one event, after a batch failed)',
      labelNames: ['consumer', 'mode'] as const,
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'scf_outbox_dead_letters_total',
      help: 'Outbox events parked as dead letters after repeated failures, by consumer and topic',
      labelNames: ['consumer', 'topic'] as const,
      registers: [registry],
    }),
    deadLettersUnresolved: new Gauge({
      name: 'scf_outbox_dead_letters_unresolved',
      help: 'Dead letters not yet retried or discarded, by consumer (read from the database at each scrape; kept when it does not answer)',
      labelNames: ['consumer'] as const,
      registers: [registry],
      async collect() {
        if (!sources.unresolvedDeadLetters) return;
        let timer: NodeJS.Timeout | undefined;
        try {
          const counts = await Promise.race([
            sources.unresolvedDeadLetters(),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error('timed out')), SOURCE_TIMEOUT_MS);
            }),
          ]);
          this.reset();
          for (const [consumer, n] of Object.entries(counts)) this.set({ consumer }, n);
        } catch {
          // The database is away (readyz says so): the last values stand.
        } finally {
          clearTimeout(timer);
        }
      },
    }),
    outboxDelivered: new Counter({
      name: 'scf_outbox_events_dispatched_total',
      help: 'Outbox events dispatched, by topic',
      labelNames: ['topic'] as const,
      registers: [registry],
    }),
    partnerCalls: new Counter({
      name: 'scf_partner_calls_total',
      help: 'Logistics partner API calls by partner, operation and outcome (reason: why a failed one failed)',
      labelNames: ['partner', 'operation', 'outcome', 'reason'] as const,
      registers: [registry],
    }),
    partnerCallDuration: new Histogram({
      name: 'scf_partner_call_duration_seconds',
      help: 'Logistics partner API call latency, retries and waits included',
      labelNames: ['partner', 'operation'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    partnerRetries: new Counter({
      name: 'scf_partner_call_retries_total',
      help: 'Retried attempts of logistics partner API calls',
      labelNames: ['partner', 'operation'] as const,
      registers: [registry],
    }),
    partnerCircuit: new Gauge({
      name: 'scf_partner_circuit_state',
      help: "A partner's circuit breaker: 0 closed, 1 half-open, 2 open",
      labelNames: ['partner'] as const,
      registers: [registry],
    }),
    pollLag: new Gauge({
      name: 'scf_poll_lag_seconds',
      help: 'How late the poller picked up the most overdue shipment of its last batch, by partner',
      labelNames: ['partner'] as const,
      registers: [registry],
    }),
    polls: new Counter({
      name: 'scf_polls_total',
      help: 'Shipment polls by partner and outcome (ok, not-found-yet, quota, failed)',
      labelNames: ['partner', 'outcome'] as const,
      registers: [registry],
    }),
    webhooks: new Counter({
      name: 'scf_webhooks_total',
      help: 'Partner pushes on /webhooks/:partnerCode by partner and outcome',
      labelNames: ['partner', 'outcome'] as const,
      registers: [registry],
    }),
    webhookRefusals: new Counter({
      name: 'scf_webhook_refusals_total',
      help: 'Refused partner pushes by partner and reason (unknown-partner, paused, no-secret, missing-signature, bad-signature, stale-timestamp, malformed, …)',
      labelNames: ['partner', 'reason'] as const,
      registers: [registry],
    }),
    webhookPreviousSecret: new Counter({
      name: 'scf_webhook_previous_secret_total',
      help: 'Partner pushes accepted only by the webhook secret replaced in the last rotation (the partner has not switched yet), by partner',
      labelNames: ['partner'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
