import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role, startTestHub, type TestHub } from './helpers/hub.js';
import { subscribe } from './helpers/ws.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ GRAPHQL_MAX_DEPTH: 6, GRAPHQL_MAX_ALIASES: 5, GRAPHQL_MAX_COST: 500, WS_MAX_SUBSCRIPTIONS: 2 });
});
afterAll(async () => {
  await hub?.close();
});

/** `{ a: viewer { id } b: viewer { id } … }` with n aliases. */
const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: viewer { id }`).join(' ')} }`;
/** A selection `depth` levels deep through the schema's own introspection types. */
const deep = (depth: number) => {
  let sel = 'name';
  for (let i = 0; i < depth; i++) sel = `ofType { ${sel} }`;
  return `{ __type(name: "Client") { fields { type { ${sel} } } } }`;
};

describe('operation limits over HTTP', () => {
  it('refuses more aliases than allowed, saying the limit', async () => {
    expect((await hub.gql(aliases(5))).body.errors).toBeUndefined();
    const res = await hub.gql(aliases(6));
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.errors?.[0]?.message).toMatch(/alias/i);
  });

  it('refuses a query deeper than allowed', async () => {
    const res = await hub.gql(deep(8));
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.message).toMatch(/depth/i);
  });

  it('refuses a query whose estimated cost is over the limit', async () => {
    const wide = `{ ${Array.from({ length: 5 }, (_, i) => `k${i}: apiKeys { id name role prefix createdAt revokedAt partnerCode }`).join(' ')} ${Array.from({ length: 60 }, (_, i) => `__typename`).join(' ')} }`;
    const res = await hub.gql(wide.replace(/__typename/g, 'viewer { id name role partnerCode }'));
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.errors)).toMatch(/cost|alias|depth/i);
  });

  it('answers 413 to a body over 1 MB and keeps serving', async () => {
    const padding = 'x'.repeat(1024 * 1024 + 10);
    const res = await fetch(hub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${hub.adminKey}` },
      body: JSON.stringify({ query: '{ viewer { id } }', variables: { padding } }),
    });
    expect(res.status).toBe(413);
    expect((await hub.ok<{ viewer: { id: string } }>('{ viewer { id } }')).viewer.id).toBeTruthy();
  });

  it('blocks a simple GET that could be a cross-site request (CSRF prevention)', async () => {
    const res = await fetch(`${hub.url}?query=${encodeURIComponent('{ viewer { id } }')}`, {
      headers: { authorization: `Bearer ${hub.adminKey}` },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/CSRF|preflight/i);
    const ok = await fetch(`${hub.url}?query=${encodeURIComponent('{ viewer { id } }')}`, {
      headers: { authorization: `Bearer ${hub.adminKey}`, 'apollo-require-preflight': 'true' },
    });
    expect(ok.status).toBe(200);
  });
});

describe('operation limits over WebSocket', () => {
  it('applies the same alias and depth limits as HTTP', async () => {
    const tooMany = subscribe(hub, aliases(6));
    const end = await tooMany.ended;
    expect(JSON.stringify(end.error)).toMatch(/alias/i);
    await tooMany.close();

    const tooDeep = subscribe(hub, deep(8));
    expect(JSON.stringify((await tooDeep.ended).error)).toMatch(/depth/i);
    await tooDeep.close();

    const fine = subscribe<{ viewer: { role: string } }>(hub, '{ viewer { role } }');
    expect((await fine.next()).data?.viewer.role).toBe('ADMIN');
    await fine.close();
  });

  it('answers queries with the viewer of the connection key', async () => {
    const key = await hub.keyFor(Role.VIEWER);
    const c = subscribe<{ viewer: { role: string } }>(hub, '{ viewer { role } }', {}, key);
    expect((await c.next()).data?.viewer.role).toBe('VIEWER');
    await c.close();
  });
});
