/**
 * The viewer of a key is read once per key per second however many requests present it, and a
 * revoked key stops working at once on the hub that revoked it, and on another hub sharing the
 * database (through the revocation event, or at the latest when its cached check ages out).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from './helpers/hub.js';
import { waitFor } from './helpers/risk.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.close();
});

async function newKey(): Promise<{ key: string; id: string }> {
  const data = await hub.ok<{ createApiKey: { key: string; apiKey: { id: string } } }>(
    `mutation { createApiKey(input: { name: "cache probe", role: VIEWER }) { key apiKey { id } } }`,
  );
  return { key: data.createApiKey.key, id: data.createApiKey.apiKey.id };
}

const keyLookups = (statements: string[]) => statements.filter((s) => /\bfrom "api_key"/.test(s)).length;

describe('key checks', () => {
  it('reads a key once for 50 concurrent requests that present it', async () => {
    const { key } = await newKey();
    const { result, statements } = await hub.countQueries(() =>
      Promise.all(Array.from({ length: 50 }, () => hub.gql<{ viewer: { name: string } }>('{ viewer { name } }', {}, { key }))),
      { keyChecks: true },
    );
    for (const res of result) expect(res.body.data?.viewer.name).toBe('cache probe');
    expect(keyLookups(statements)).toBe(1);
  });

  it('refuses a key on the next request after revokeApiKey answers, though its check was cached', async () => {
    const { key, id } = await newKey();
    expect((await hub.gql('{ viewer { id } }', {}, { key })).status).toBe(200);
    await hub.ok(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id });
    const res = await hub.gql('{ viewer { id } }', {}, { key });
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.message).toBe('API key revoked');
  });

  it('refuses a key on another hub as soon as the revocation reaches it', async (ctx) => {
    if (!process.env.DATABASE_URL) ctx.skip(); // PGlite is one session: no second hub on it
    const other = await startTestHub({}, { sameDatabaseAs: hub });
    try {
      const { key, id } = await newKey();
      expect((await other.gql('{ viewer { id } }', {}, { key })).status).toBe(200);
      await hub.ok(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id });
      const res = await waitFor(() => other.gql('{ viewer { id } }', {}, { key }), (r) => r.status === 401, 5000);
      expect(res.status).toBe(401);
      expect(res.body.errors?.[0]?.message).toBe('API key revoked');
    } finally {
      await other.close();
    }
  });
});
