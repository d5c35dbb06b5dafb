import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from './helpers/hub.js';
import { REDACT_PATHS } from '../src/logger.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.close();
});

describe('operational endpoints', () => {
  it('answers /healthz while the process runs', async () => {
    const res = await fetch(`${hub.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz 200 when the database answers and migrations are applied', async () => {
    const res = await fetch(`${hub.baseUrl}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready' });
  });

  it('serves Prometheus metrics that count requests, errors, SQL and subscriptions', async () => {
    await hub.gql('{ viewer { id } }');
    await hub.gql('{ viewer { id } }', {}, { key: null });
    const res = await fetch(`${hub.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/scf_http_requests_total\{method="POST",route="\/graphql",status="200"\} \d+/);
    expect(text).toMatch(/scf_graphql_errors_total\{code="UNAUTHENTICATED"\} [1-9]/);
    expect(text).toMatch(/scf_db_queries_total [1-9]/);
    expect(text).toContain('scf_subscriptions_active');
    expect(text).toContain('scf_outbox_lag_seconds');
    expect(text).toContain('scf_http_request_duration_seconds_bucket');
  });

  it('echoes a given x-request-id and makes one up otherwise', async () => {
    const given = await hub.gql('{ viewer { id } }', {}, { headers: { 'x-request-id': 'trace-123' } });
    expect(given.headers.get('x-request-id')).toBe('trace-123');
    const made = await hub.gql('{ viewer { id } }');
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  // Last in this file: draining is one-way.
  it('answers 503 on /readyz while draining, and /healthz still 200', async () => {
    hub.running.http.setDraining();
    expect((await fetch(`${hub.baseUrl}/readyz`)).status).toBe(503);
    expect((await fetch(`${hub.baseUrl}/healthz`)).status).toBe(200);
  });
});

describe('logs', () => {
  it('redact authorization headers, secrets and connection parameters', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const log = pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
    log.info({ req: { headers: { authorization: 'Bearer scf_secret1' } } }, 'a');
    log.info({ partner: { webhookSecret: 'shh-2', credentials: { key: 'k3' } } }, 'b');
    log.info({ connectionParams: { authorization: 'Bearer scf_secret4' } }, 'c');
    const all = lines.join('');
    for (const secret of ['scf_secret1', 'shh-2', 'k3', 'scf_secret4']) expect(all).not.toContain(secret);
    expect(all).toContain('[redacted]');
  });
});
