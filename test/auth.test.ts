import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role, startTestHub, type TestHub } from './helpers/hub.js';
import { subscribe } from './helpers/ws.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.close();
});

describe('API keys', () => {
  it('refuses a request without a key as UNAUTHENTICATED', async () => {
    const res = await hub.gql('{ viewer { id } }', {}, { key: null });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.body.data).toBeNull();
  });

  it('answers 401 to an unknown key', async () => {
    const res = await hub.gql('{ viewer { id } }', {}, { key: 'scf_not-a-real-key' });
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('bootstraps ADMIN_API_KEY as an ADMIN key', async () => {
    const data = await hub.ok<{ viewer: { role: string } }>('{ viewer { id name role } }');
    expect(data.viewer.role).toBe('ADMIN');
  });

  it('creates a key shown once, stores only its hash, and revokes it', async () => {
    const data = await hub.ok<{ createApiKey: { key: string; apiKey: { id: string; role: string } } }>(
      `mutation { createApiKey(input: { name: "dashboard", role: VIEWER }) { key apiKey { id name role } } }`,
    );
    const { key, apiKey } = data.createApiKey;
    expect(key).toMatch(/^scf_[\w-]{43}$/);
    const rows = await hub.orm.em.fork().getConnection().execute<{ key_hash: string }[]>(
      'select key_hash from api_key where id = ?',
      [apiKey.id],
    );
    expect(rows[0]!.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(key);

    const me = await hub.ok<{ viewer: { role: string } }>('{ viewer { role } }', {}, key);
    expect(me.viewer.role).toBe('VIEWER');

    await hub.ok(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: apiKey.id });
    const after = await hub.gql('{ viewer { role } }', {}, { key });
    expect(after.status).toBe(401);
  });

  it('requires a partner code for PARTNER keys, naming the field', async () => {
    const res = await hub.gql(`mutation { createApiKey(input: { name: "dhl", role: PARTNER }) { key } }`);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.partnerCode' });
  });

  it('lets only ADMIN manage keys', async () => {
    for (const role of [Role.RELATIONSHIP_MANAGER, Role.RISK_OFFICER, Role.VIEWER, Role.PARTNER]) {
      const key = await hub.keyFor(role, role === Role.PARTNER ? 'DHL-CN' : undefined);
      const res = await hub.gql(`mutation { createApiKey(input: { name: "x", role: ADMIN }) { key } }`, {}, { key });
      expect(res.body.errors?.[0]?.extensions?.code, role).toBe('FORBIDDEN');
      const list = await hub.gql(`{ apiKeys { id } }`, {}, { key });
      expect(list.body.errors?.[0]?.extensions?.code, role).toBe('FORBIDDEN');
    }
  });

  it('authenticates WebSocket connections with the same key, and refuses none', async () => {
    const anonymous = subscribe(hub, 'subscription { clientChanged { cursor } }', {}, null);
    const end = await anonymous.ended;
    expect(end.error).toMatchObject({ code: 4401, reason: 'API key required' });
    await anonymous.close();
  });
});
