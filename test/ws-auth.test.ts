import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient as createWsClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { usccFromNumber } from '../src/clients/uscc.js';
import { startTestHub, type TestHub } from './helpers/hub.js';
import { subscribe, type Collector } from './helpers/ws.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.close();
});

const CLIENT_CHANGED = 'subscription { clientChanged { cursor client { id } } }';
const CREATE_ADMIN_KEY = 'mutation($name: String!) { createApiKey(input: { name: $name, role: ADMIN }) { key } }';
/** Generous: the hub has a second to act, but the machine is shared and may be slow. */
const DEADLINE_MS = 15_000;

interface CloseInfo {
  code: number;
  reason: string;
}

let serial = 0;
async function changeSomething(on: TestHub = hub): Promise<string> {
  const data = await on.ok<{ createClient: { id: string } }>(
    `mutation($input: CreateClientInput!) { createClient(input: $input) { id } }`,
    { input: { name: `WS auth client ${++serial}`, kind: 'SUPPLIER', industry: 'RETAIL', unifiedSocialCreditCode: usccFromNumber(700_000 + serial) } },
  );
  return data.createClient.id;
}

async function createKey(input: Record<string, unknown>, on: TestHub = hub): Promise<{ key: string; id: string }> {
  const data = await on.ok<{ createApiKey: { key: string; apiKey: { id: string } } }>(
    `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id } } }`,
    { input: { name: 'ws auth', role: 'ADMIN', ...input } },
  );
  return { key: data.createApiKey.key, id: data.createApiKey.apiKey.id };
}

async function revoke(id: string, on: TestHub = hub): Promise<void> {
  await on.ok(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id });
}

/** A subscription that has received an event, so it is live on the hub. */
async function liveSubscription(key: string, on: TestHub = hub, changeOn: TestHub = hub): Promise<Collector<{ clientChanged: { client: { id: string } } }>> {
  const sub = subscribe<{ clientChanged: { client: { id: string } } }>(on, CLIENT_CHANGED, {}, key);
  // Changes are made until one arrives: the first may commit before the stream is registered.
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const id = await changeSomething(changeOn);
    try {
      for (;;) {
        const event = await sub.next(1000);
        if (event.data?.clientChanged.client.id === id) return sub;
      }
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
  }
}

async function closeOf(sub: Collector<unknown>): Promise<CloseInfo> {
  const end = await Promise.race([
    sub.ended,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('socket still open')), DEADLINE_MS)),
  ]);
  const e = end.error as Partial<CloseInfo> | undefined;
  return { code: e?.code ?? -1, reason: String(e?.reason ?? '') };
}

/** A bare connection, for sending operations ourselves. `connected` resolves on the ack, `closed` on close. */
function connect(key: string | null, on: TestHub = hub): { client: Client; connected: Promise<void>; closed: Promise<CloseInfo> } {
  let onConnected: () => void = () => undefined;
  let onClosed: (c: CloseInfo) => void = () => undefined;
  const connected = new Promise<void>((r) => (onConnected = r));
  const closed = new Promise<CloseInfo>((r) => (onClosed = r));
  const client = createWsClient({
    url: on.wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    // The refusals are what these tests look at: not worth a console line each.
    onNonLazyError: () => undefined,
    connectionParams: key === null ? {} : { authorization: key },
    on: {
      connected: () => onConnected(),
      closed: (event) => {
        const e = event as Partial<CloseInfo>;
        onClosed({ code: e.code ?? -1, reason: String(e.reason ?? '') });
      },
      error: () => undefined,
    },
  });
  return { client, connected, closed };
}

function withDeadline<T>(p: Promise<T>, what: string): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${DEADLINE_MS} ms`)), DEADLINE_MS))]);
}

/** Sends one operation and waits for its result, its error, or the socket closing. */
function run(client: Client, query: string, variables: Record<string, unknown> = {}): Promise<{ results: FormattedExecutionResult<Record<string, unknown>, unknown>[]; error?: unknown }> {
  return withDeadline(
    new Promise((resolve) => {
      const results: FormattedExecutionResult<Record<string, unknown>, unknown>[] = [];
      client.subscribe(
        { query, variables },
        {
          next: (r) => results.push(r),
          error: (error) => resolve({ results, error }),
          complete: () => resolve({ results }),
        },
      );
    }),
    'operation answered',
  );
}

async function keysNamed(name: string, on: TestHub = hub): Promise<number> {
  const rows = await on.orm.em.fork().getConnection().execute<{ n: string }[]>('select count(*)::text as n from api_key where name = ?', [name]);
  return Number(rows[0]!.n);
}

async function closeReasonOnConnect(authorization: string | null): Promise<CloseInfo> {
  const c = connect(authorization);
  const info = await withDeadline(c.closed, 'refused connection closed');
  await c.client.dispose();
  return info;
}

describe('revoking a key', () => {
  it('ends its subscription and closes its socket with 4401 "API key revoked"', async () => {
    const { key, id } = await createKey({ role: 'VIEWER' });
    const sub = await liveSubscription(key);
    await revoke(id);
    const revokedAt = Date.now();
    const close = await closeOf(sub);
    console.log(`revoke response → socket closed (same hub): ${Date.now() - revokedAt} ms`);
    expect(close).toEqual({ code: 4401, reason: 'API key revoked' });
    await sub.close();
  });

  it('refuses the next operation of a socket whose key was revoked behind its back, and runs nothing', async () => {
    // Revoked in the table without the event, as when the event has not reached this hub yet:
    // the per-operation re-check alone must refuse.
    const subscriber = await createKey({});
    const writer = await createKey({});
    const a = connect(`Bearer ${subscriber.key}`);
    const b = connect(`Bearer ${writer.key}`);
    await withDeadline(Promise.all([a.connected, b.connected]), 'connected');
    await hub.orm.em.fork().getConnection().execute('update api_key set revoked_at = now() where id in (?, ?)', [subscriber.id, writer.id]);

    const name = `created over a revoked socket ${Date.now()}`;
    const mutation = await run(b.client, CREATE_ADMIN_KEY, { name });
    expect(mutation.results.flatMap((r) => r.data ? [r.data] : [])).toEqual([]);
    expect(mutation.error).toBeDefined();
    expect(await withDeadline(b.closed, 'socket closed')).toEqual({ code: 4401, reason: 'API key revoked' });
    expect(await keysNamed(name)).toBe(0);
    const list = await hub.ok<{ apiKeys: { name: string }[] }>('{ apiKeys { name } }');
    expect(list.apiKeys.map((k) => k.name)).not.toContain(name);

    const subscription = await run(a.client, CLIENT_CHANGED);
    expect(subscription.results).toEqual([]);
    expect(subscription.error).toBeDefined();
    expect(await withDeadline(a.closed, 'socket closed')).toEqual({ code: 4401, reason: 'API key revoked' });
    await a.client.dispose();
    await b.client.dispose();
  });

  it('refuses a new connection with the revoked key, with its reason', async () => {
    const { key, id } = await createKey({ role: 'VIEWER' });
    await revoke(id);
    expect(await closeReasonOnConnect(`Bearer ${key}`)).toEqual({ code: 4401, reason: 'API key revoked' });
    const http = await hub.gql('{ viewer { id } }', {}, { key });
    expect(http.status).toBe(401);
    expect(http.body.errors?.[0]).toMatchObject({ message: 'API key revoked', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('re-checks a thousand-socket key at most once per second, not once per operation', async () => {
    const { key } = await createKey({ role: 'VIEWER' });
    const sockets = Array.from({ length: 100 }, () => connect(`Bearer ${key}`));
    await withDeadline(Promise.all(sockets.map((s) => s.connected)), 'connected');
    const { result, count } = await hub.countQueries(() => Promise.all(sockets.map((s) => run(s.client, '{ viewer { role } }'))), { keyChecks: true });
    for (const r of result) expect(r.results[0]?.data).toEqual({ viewer: { role: 'VIEWER' } });
    console.log(`100 operations on 100 sockets of one key: ${count} SQL statements`);
    // One read per second of the test at most; 100 would mean one per operation.
    expect(count).toBeLessThan(10);
    await Promise.all(sockets.map((s) => s.client.dispose()));
  });
});

describe('API key expiry', () => {
  it('closes the socket when the key expires, and HTTP then answers 401', async () => {
    const { key } = await createKey({ role: 'VIEWER', expiresAt: new Date(Date.now() + 4000).toISOString() });
    const sub = await liveSubscription(key);
    const close = await closeOf(sub);
    expect(close).toEqual({ code: 4401, reason: 'API key expired' });
    const http = await hub.gql('{ viewer { id } }', {}, { key });
    expect(http.status).toBe(401);
    expect(http.body.errors?.[0]).toMatchObject({ message: 'API key expired', extensions: { code: 'UNAUTHENTICATED' } });
    expect(await closeReasonOnConnect(`Bearer ${key}`)).toEqual({ code: 4401, reason: 'API key expired' });
    await sub.close();
  });

  it('answers an expiry in the past or absurdly far ahead with BAD_USER_INPUT naming the field', async () => {
    for (const expiresAt of [new Date(Date.now() - 1000), new Date(Date.now() + 6 * 366 * 86_400_000)]) {
      const res = await hub.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`, {
        input: { name: 'bad expiry', role: 'VIEWER', expiresAt: expiresAt.toISOString() },
      });
      expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.expiresAt' });
    }
    expect(await keysNamed('bad expiry')).toBe(0);
  });

  it('shows the expiry of a key', async () => {
    const expiresAt = new Date(Date.now() + 86_400_000);
    const { id } = await createKey({ role: 'VIEWER', expiresAt: expiresAt.toISOString() });
    const list = await hub.ok<{ apiKeys: { id: string; expiresAt: string | null }[] }>('{ apiKeys { id expiresAt } }');
    expect(new Date(list.apiKeys.find((k) => k.id === id)!.expiresAt!).getTime()).toBe(expiresAt.getTime());
  });
});

describe('WebSocket close reasons', () => {
  it('say what is wrong, and read the same for an unknown and a malformed key', async () => {
    expect(await closeReasonOnConnect(null)).toEqual({ code: 4401, reason: 'API key required' });
    const unknown = await closeReasonOnConnect('Bearer scf_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    const malformed = await closeReasonOnConnect('Basic dXNlcjpwYXNz');
    expect(unknown).toEqual({ code: 4401, reason: 'API key invalid' });
    expect(malformed).toEqual(unknown);
    const http = await hub.gql('{ viewer { id } }', {}, { key: 'scf_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(http.status).toBe(401);
    expect(http.body.errors?.[0]?.message).toBe('API key invalid');
  });
});

describe.runIf(process.env.DATABASE_URL)('two hubs on one database', () => {
  it('revoking through hub A closes the socket on hub B', async () => {
    const other = await startTestHub({}, { sameDatabaseAs: hub });
    try {
      const { key, id } = await createKey({ role: 'VIEWER' });
      const sub = await liveSubscription(key, other, hub);
      await revoke(id, hub);
      const revokedAt = Date.now();
      const close = await closeOf(sub);
      console.log(`revoke response on hub A → socket closed on hub B: ${Date.now() - revokedAt} ms`);
      expect(close).toEqual({ code: 4401, reason: 'API key revoked' });
      await sub.close();
    } finally {
      await other.close();
    }
  });
});
