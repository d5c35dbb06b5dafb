import { getMetadataStorage } from 'type-graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/auth/api-key.entity.js';
import { getSchema } from '../src/graphql/schema.js';
import { startTestHub, type TestHub } from './helpers/hub.js';
import { usccFromNumber } from '../src/clients/uscc.js';

describe('guards', () => {
  it('puts an @Authorized guard on every query, mutation and subscription', async () => {
    const schema = await getSchema(); // builds the metadata
    const storage = getMetadataStorage();
    const guarded = new Set(storage.authorizedFields.map((a) => `${a.target.name}.${a.fieldName}`));
    const guardedClasses = new Set(storage.authorizedResolver.map((a) => a.target.name));
    const roots = [...storage.queries, ...storage.mutations, ...storage.subscriptions];
    const unguarded = roots
      .filter((r) => !guarded.has(`${r.target.name}.${r.methodName}`) && !guardedClasses.has(r.target.name))
      .map((r) => r.schemaName);
    expect(unguarded).toEqual([]);
    // And the schema exposes nothing the metadata does not know about.
    const exposed = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((t) =>
      t ? Object.keys(t.getFields()) : [],
    );
    expect(exposed.sort()).toEqual(roots.map((r) => r.schemaName).sort());
  });
});

/** What each role may do, proved with real requests. */
describe("each role's reach", () => {
  let hub: TestHub;
  const keys = {} as Record<Role, string>;
  let clientId = '';
  let n = 5000;

  beforeAll(async () => {
    hub = await startTestHub();
    for (const role of Object.values(Role)) keys[role] = role === Role.ADMIN ? hub.adminKey : await hub.keyFor(role, role === Role.PARTNER ? 'SF-EXPRESS' : undefined);
    const created = await hub.ok<{ createClient: { id: string } }>(
      `mutation($input: CreateClientInput!) { createClient(input: $input) { id } }`,
      { input: { name: 'Reach Test Co.', kind: 'SUPPLIER', industry: 'AUTOMOTIVE', unifiedSocialCreditCode: usccFromNumber(4242) } },
    );
    clientId = created.createClient.id;
  });
  afterAll(async () => {
    await hub?.close();
  });

  const code = async (role: Role, query: string, variables: Record<string, unknown> = {}) => {
    const res = await hub.gql(query, variables, { key: keys[role] });
    return (res.body.errors?.[0]?.extensions?.code as string | undefined) ?? 'OK';
  };
  const readClients = '{ clients(first: 1) { totalCount } }';
  const create = () => ({
    query: `mutation($input: CreateClientInput!) { createClient(input: $input) { id } }`,
    variables: { input: { name: `Co ${n}`, kind: 'DISTRIBUTOR', industry: 'RETAIL', unifiedSocialCreditCode: usccFromNumber(n++) } },
  });
  const changeStatus = `mutation($input: ChangeClientStatusInput!) { changeClientStatus(input: $input) { status } }`;

  it.each([
    [Role.ADMIN, 'OK', 'OK', 'OK'],
    [Role.RELATIONSHIP_MANAGER, 'OK', 'OK', 'FORBIDDEN'],
    [Role.RISK_OFFICER, 'OK', 'FORBIDDEN', 'FORBIDDEN'],
    [Role.VIEWER, 'OK', 'FORBIDDEN', 'FORBIDDEN'],
    [Role.PARTNER, 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
  ])('%s: read clients %s, write clients %s, manage keys %s', async (role, read, write, keysReach) => {
    expect(await code(role, readClients)).toBe(read);
    const c = create();
    expect(await code(role, c.query, c.variables)).toBe(write);
    expect(await code(role, '{ apiKeys { id } }')).toBe(keysReach);
    expect(await code(role, '{ viewer { role } }')).toBe('OK');
  });

  it.each([
    [Role.ADMIN, 'OK', 'OK'],
    [Role.RELATIONSHIP_MANAGER, 'OK', 'FORBIDDEN'],
    [Role.RISK_OFFICER, 'OK', 'OK'],
    [Role.VIEWER, 'OK', 'FORBIDDEN'],
    [Role.PARTNER, 'FORBIDDEN', 'FORBIDDEN'],
  ])('%s: read financings %s, open and adjust credit lines %s', async (role, read, credit) => {
    expect(await code(role, '{ financings(first: 1) { totalCount } }')).toBe(read);
    // A fresh client per role: opening a line twice for one client is a CONFLICT, not a guard.
    const c = create();
    const client = await hub.ok<{ createClient: { id: string } }>(c.query, c.variables);
    const open = `mutation($input: OpenCreditLineInput!) { openCreditLine(input: $input) { id } }`;
    const expiresAt = new Date(Date.now() + 86_400_000 * 30).toISOString();
    expect(await code(role, open, { input: { clientId: client.createClient.id, limit: '1000', expiresAt } })).toBe(credit);
  });

  it.each([
    [Role.ADMIN, 'OK', 'OK', 'OK', 'FORBIDDEN'],
    [Role.RELATIONSHIP_MANAGER, 'OK', 'OK', 'FORBIDDEN', 'FORBIDDEN'],
    [Role.RISK_OFFICER, 'OK', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
    [Role.VIEWER, 'OK', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
    [Role.PARTNER, 'OK', 'FORBIDDEN', 'FORBIDDEN', 'OK'],
  ])('%s: read shipments %s, register shipments %s, register partners %s, push tracking %s', async (role, read, register, partners, pushes) => {
    if (!(await hub.ok<{ logisticsPartners: unknown[] }>('{ logisticsPartners { code } }')).logisticsPartners.length) {
      await hub.ok(`mutation { registerLogisticsPartner(input: { code: "SF-EXPRESS", kind: GENERIC, name: "SF" }) { id } }`);
      await hub.ok(`mutation($c: ID!) { registerShipment(input: { partnerCode: "SF-EXPRESS", trackingNumber: "GUARD-1", clientId: $c }) { id } }`, { c: clientId });
    }
    expect(await code(role, '{ shipments(first: 1) { totalCount } }')).toBe(read);
    expect(await code(role, `mutation($c: ID!) { registerShipment(input: { partnerCode: "SF-EXPRESS", trackingNumber: "G-${role}", clientId: $c }) { id } }`, { c: clientId })).toBe(register);
    expect(await code(role, `mutation { registerLogisticsPartner(input: { code: "p-${role}", kind: GENERIC, name: "P" }) { id } }`)).toBe(partners);
    const push = `mutation { pushTrackingEvents(input: { partnerCode: "SF-EXPRESS", trackingNumber: "GUARD-1", events: [{ occurredAt: "2026-03-01T08:00:00+08:00", status: IN_TRANSIT }] }) { accepted } }`;
    expect(await code(role, push)).toBe(pushes);
  });

  it.each([
    [Role.ADMIN, 'OK'],
    [Role.RELATIONSHIP_MANAGER, 'FORBIDDEN'],
    [Role.RISK_OFFICER, 'FORBIDDEN'],
    [Role.VIEWER, 'FORBIDDEN'],
    [Role.PARTNER, 'FORBIDDEN'],
  ])('%s: list, retry and discard dead letters %s', async (role, reach) => {
    expect(await code(role, '{ deadLetters { totalCount } }')).toBe(reach);
    // No such dead letter: past the guard, that is NOT_FOUND.
    const id = '00000000-0000-4000-8000-000000000000';
    const past = reach === 'OK' ? 'NOT_FOUND' : reach;
    expect(await code(role, 'mutation($id: ID!) { retryDeadLetter(id: $id) { id } }', { id })).toBe(past);
    expect(await code(role, 'mutation($id: ID!) { discardDeadLetter(id: $id, note: "n") { id } }', { id })).toBe(past);
  });

  it('lets risk officers and relationship managers change a status, not viewers or partners', async () => {
    expect(await code(Role.RISK_OFFICER, changeStatus, { input: { id: clientId, status: 'ACTIVE' } })).toBe('OK');
    expect(await code(Role.RELATIONSHIP_MANAGER, changeStatus, { input: { id: clientId, status: 'WATCHLIST' } })).toBe('OK');
    expect(await code(Role.VIEWER, changeStatus, { input: { id: clientId, status: 'ACTIVE' } })).toBe('FORBIDDEN');
    expect(await code(Role.PARTNER, changeStatus, { input: { id: clientId, status: 'ACTIVE' } })).toBe('FORBIDDEN');
  });
});
