import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usccCheckCharacter, usccFromNumber } from '../src/clients/uscc.js';
import { Role, startTestHub, type GqlResponse, type TestHub } from './helpers/hub.js';

let hub: TestHub;
let rmKey: string;
let riskKey: string;
let viewerKey: string;
let partnerKey: string;

beforeAll(async () => {
  hub = await startTestHub();
  [rmKey, riskKey, viewerKey, partnerKey] = await Promise.all([
    hub.keyFor(Role.RELATIONSHIP_MANAGER),
    hub.keyFor(Role.RISK_OFFICER),
    hub.keyFor(Role.VIEWER),
    hub.keyFor(Role.PARTNER, 'DHL-CN'),
  ]);
});
afterAll(async () => {
  await hub?.close();
});

// ---- arrangement helpers -------------------------------------------------------------------

let serial = 0;
/** A valid credit code no other test uses. */
const nextCode = () => usccFromNumber(100_000 + ++serial * 7);
/** A relationship manager name of one's own: tests filter by it to see only their clients. */
const newRm = () => `RM ${randomUUID().slice(0, 8)}`;

interface ClientRow {
  id: string;
  name: string;
  kind: string;
  industry: string;
  unifiedSocialCreditCode: string;
  creditRating: string | null;
  status: string;
  relationshipManager: string | null;
  city: string | null;
  lastContactAt: string | null;
  createdAt: string;
  updatedAt: string;
  industryVolatility: string;
}

const CLIENT_FIELDS = `id name kind industry unifiedSocialCreditCode creditRating status relationshipManager city
  lastContactAt createdAt updatedAt industryVolatility`;

async function createClient(input: Record<string, unknown> = {}, key?: string): Promise<ClientRow> {
  const data = await hub.ok<{ createClient: ClientRow }>(
    `mutation($input: CreateClientInput!) { createClient(input: $input) { ${CLIENT_FIELDS} } }`,
    {
      input: {
        name: `Client ${++serial}`,
        kind: 'SUPPLIER',
        industry: 'AUTOMOTIVE',
        unifiedSocialCreditCode: nextCode(),
        ...input,
      },
    },
    key,
  );
  return data.createClient;
}

const errorOf = (res: GqlResponse) => res.body.errors?.[0];

function expectError(res: GqlResponse, code: string, field?: string) {
  const err = errorOf(res);
  expect(err, `expected ${code}, got data ${JSON.stringify(res.body.data)}`).toBeDefined();
  expect(err!.extensions?.code).toBe(code);
  if (field) expect(err!.extensions?.field).toBe(field);
  return err!;
}

const CREATE = `mutation($input: CreateClientInput!) { createClient(input: $input) { id } }`;
const UPDATE = `mutation($input: UpdateClientInput!) { updateClient(input: $input) { ${CLIENT_FIELDS} } }`;
const LINK = `mutation($input: LinkSupplyChainInput!) { linkSupplyChain(input: $input) { id role coreEnterprise { id } counterparty { id } } }`;
const UNLINK = `mutation($input: UnlinkSupplyChainInput!) { unlinkSupplyChain(input: $input) { id } }`;
const RECORD = `mutation($input: RecordInteractionInput!) { recordInteraction(input: $input) { id kind occurredAt summary followUpDueAt followUpDoneAt recordedBy } }`;
const FEEDBACK = `mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { id kind score category body status resolution resolvedAt } }`;

const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
const daysAhead = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

async function listClients(variables: Record<string, unknown>, key?: string) {
  const data = await hub.ok<{
    clients: { totalCount: number; edges: { cursor: string; node: ClientRow }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  }>(
    `query($filter: ClientFilter, $orderBy: ClientOrder, $first: Int, $after: String) {
       clients(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
         totalCount edges { cursor node { ${CLIENT_FIELDS} } } pageInfo { hasNextPage endCursor }
       }
     }`,
    variables,
    key,
  );
  return data.clients;
}

// ---- createClient ----------------------------------------------------------------------------

describe('createClient', () => {
  it('creates a prospect with the credit code trimmed and upper-cased', async () => {
    const code = nextCode();
    const client = await createClient(
      {
        name: '  Ningbo Precision Castings Co., Ltd.  ',
        industry: 'NEW_ENERGY',
        unifiedSocialCreditCode: `  ${code.toLowerCase()} `,
        creditRating: 'BBB',
        relationshipManager: 'Li Na',
        city: 'Ningbo',
      },
      rmKey,
    );
    expect(client).toMatchObject({
      name: 'Ningbo Precision Castings Co., Ltd.',
      kind: 'SUPPLIER',
      unifiedSocialCreditCode: code,
      creditRating: 'BBB',
      status: 'PROSPECT',
      relationshipManager: 'Li Na',
      city: 'Ningbo',
      lastContactAt: null,
      industryVolatility: 'VOLATILE',
    });
    const read = await hub.ok<{ client: ClientRow }>(`query($id: ID!) { client(id: $id) { ${CLIENT_FIELDS} } }`, { id: client.id }, viewerKey);
    expect(read.client).toEqual(client);
  });

  it('classifies mature industries as MATURE', async () => {
    const client = await createClient({ industry: 'RETAIL' });
    expect(client.industryVolatility).toBe('MATURE');
  });

  it('refuses a credit code with a wrong check character, naming the field and the rule', async () => {
    const code = nextCode();
    const wrong = code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
    const res = await hub.gql(CREATE, { input: { name: 'X', kind: 'SUPPLIER', industry: 'RETAIL', unifiedSocialCreditCode: wrong } });
    const err = expectError(res, 'BAD_USER_INPUT', 'input.unifiedSocialCreditCode');
    expect(err.message).toMatch(/check character/);
    expect(err.extensions?.rule).toBe('check');
  });

  it('refuses a credit code of the wrong length or with letters GB 32100 excludes', async () => {
    const short = await hub.gql(CREATE, { input: { name: 'X', kind: 'SUPPLIER', industry: 'RETAIL', unifiedSocialCreditCode: '91310000MA1K' } });
    expect(expectError(short, 'BAD_USER_INPUT', 'input.unifiedSocialCreditCode').message).toMatch(/18 characters/);

    const first17 = '91310000MA1K3YJ5Q';
    const withI = `${first17.slice(0, 12)}I${first17.slice(13)}${usccCheckCharacter(first17)}`;
    const res = await hub.gql(CREATE, { input: { name: 'X', kind: 'SUPPLIER', industry: 'RETAIL', unifiedSocialCreditCode: withI } });
    expect(expectError(res, 'BAD_USER_INPUT', 'input.unifiedSocialCreditCode').extensions?.rule).toBe('characters');
  });

  it('refuses a duplicate credit code as CONFLICT, however it is written', async () => {
    const first = await createClient();
    const res = await hub.gql(CREATE, {
      input: { name: 'Copy', kind: 'DISTRIBUTOR', industry: 'RETAIL', unifiedSocialCreditCode: ` ${first.unifiedSocialCreditCode.toLowerCase()}` },
    });
    const err = expectError(res, 'CONFLICT', 'input.unifiedSocialCreditCode');
    expect(err.extensions?.existingClientId).toBe(first.id);
  });

  it('lets exactly one of two simultaneous creations with the same code win', async () => {
    const code = nextCode();
    const attempt = (name: string) =>
      hub.gql(CREATE, { input: { name, kind: 'SUPPLIER', industry: 'RETAIL', unifiedSocialCreditCode: code } });
    const results = await Promise.all([attempt('A'), attempt('B'), attempt('C')]);
    const won = results.filter((r) => r.body.data?.createClient);
    const lost = results.filter((r) => r.body.errors);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(2);
    for (const r of lost) expectError(r, 'CONFLICT', 'input.unifiedSocialCreditCode');
  });

  it('refuses an empty or overlong name', async () => {
    const empty = await hub.gql(CREATE, { input: { name: '   ', kind: 'SUPPLIER', industry: 'RETAIL', unifiedSocialCreditCode: nextCode() } });
    expect(expectError(empty, 'BAD_USER_INPUT', 'input.name').message).toMatch(/must not be empty/);
    const long = await hub.gql(CREATE, { input: { name: 'x'.repeat(201), kind: 'SUPPLIER', industry: 'RETAIL', unifiedSocialCreditCode: nextCode() } });
    expect(expectError(long, 'BAD_USER_INPUT', 'input.name').message).toMatch(/at most 200/);
  });

  it('refuses to start a client as SUSPENDED or TERMINATED', async () => {
    const res = await hub.gql(CREATE, {
      input: { name: 'X', kind: 'SUPPLIER', industry: 'RETAIL', unifiedSocialCreditCode: nextCode(), status: 'SUSPENDED' },
    });
    expectError(res, 'BAD_USER_INPUT', 'input.status');
    const active = await createClient({ status: 'ACTIVE' });
    expect(active.status).toBe('ACTIVE');
  });

  it('lets only relationship managers and admins create clients', async () => {
    for (const key of [riskKey, viewerKey, partnerKey]) {
      const res = await hub.gql(CREATE, { input: { name: 'X', kind: 'SUPPLIER', industry: 'RETAIL', unifiedSocialCreditCode: nextCode() } }, { key });
      expectError(res, 'FORBIDDEN');
    }
  });
});

describe('reading clients', () => {
  it('keeps partner keys away from clients altogether', async () => {
    const client = await createClient();
    for (const query of [`{ clients { totalCount } }`, `{ client(id: "${client.id}") { id } }`, `{ followUps { totalCount } }`]) {
      const res = await hub.gql(query, {}, { key: partnerKey });
      expectError(res, 'FORBIDDEN');
      expect(Object.values(res.body.data ?? {}).every((v) => v === null)).toBe(true);
    }
  });

  it('answers null for an unknown or malformed id', async () => {
    const res = await hub.ok<{ a: null; b: null }>(`{ a: client(id: "${randomUUID()}") { id } b: client(id: "nope") { id } }`);
    expect(res).toEqual({ a: null, b: null });
  });
});

// ---- updates and status ----------------------------------------------------------------------

describe('updateClient', () => {
  it('changes the given fields, leaves the rest, and clears optional ones given null', async () => {
    const client = await createClient({ city: 'Wuxi', relationshipManager: 'Wang Wei', creditRating: 'A' });
    const data = await hub.ok<{ updateClient: ClientRow }>(
      UPDATE,
      { input: { id: client.id, name: 'Wuxi Axle Works', city: null, industry: 'MACHINERY' } },
      rmKey,
    );
    expect(data.updateClient).toMatchObject({
      name: 'Wuxi Axle Works',
      city: null,
      industry: 'MACHINERY',
      relationshipManager: 'Wang Wei',
      creditRating: 'A',
      unifiedSocialCreditCode: client.unifiedSocialCreditCode,
    });
    expect(Date.parse(data.updateClient.updatedAt)).toBeGreaterThanOrEqual(Date.parse(client.updatedAt));
  });

  it('moves a status only along the allowed transitions', async () => {
    const client = await createClient();
    const up = await hub.ok<{ updateClient: ClientRow }>(UPDATE, { input: { id: client.id, status: 'ACTIVE' } }, rmKey);
    expect(up.updateClient.status).toBe('ACTIVE');
    const watch = await hub.ok<{ updateClient: ClientRow }>(UPDATE, { input: { id: client.id, status: 'WATCHLIST' } }, rmKey);
    expect(watch.updateClient.status).toBe('WATCHLIST');
  });

  it('refuses a status move that is not allowed, naming the current status and the allowed ones', async () => {
    const client = await createClient();
    const res = await hub.gql(UPDATE, { input: { id: client.id, status: 'SUSPENDED' } }, { key: rmKey });
    const err = expectError(res, 'CONFLICT', 'input.status');
    expect(err.message).toMatch(/PROSPECT/);
    expect(err.extensions).toMatchObject({ current: 'PROSPECT', allowed: ['ACTIVE', 'TERMINATED'] });
    const read = await hub.ok<{ client: ClientRow }>(`{ client(id: "${client.id}") { status } }`);
    expect(read.client.status).toBe('PROSPECT');
  });

  it('treats TERMINATED as final', async () => {
    const client = await createClient();
    await hub.ok(UPDATE, { input: { id: client.id, status: 'TERMINATED' } });
    const res = await hub.gql(UPDATE, { input: { id: client.id, status: 'ACTIVE' } });
    const err = expectError(res, 'CONFLICT', 'input.status');
    expect(err.message).toMatch(/final/);
    expect(err.extensions?.allowed).toEqual([]);
  });

  it('refuses a wrong or duplicate credit code on update', async () => {
    const a = await createClient();
    const b = await createClient();
    const dup = await hub.gql(UPDATE, { input: { id: b.id, unifiedSocialCreditCode: a.unifiedSocialCreditCode } });
    expectError(dup, 'CONFLICT', 'input.unifiedSocialCreditCode');
    const bad = await hub.gql(UPDATE, { input: { id: b.id, unifiedSocialCreditCode: 'X'.repeat(18) } });
    expectError(bad, 'BAD_USER_INPUT', 'input.unifiedSocialCreditCode');
  });

  it('refuses to change the kind of a client with supply-chain links', async () => {
    const core = await createClient({ kind: 'CORE_ENTERPRISE' });
    const supplier = await createClient({ kind: 'SUPPLIER' });
    await hub.ok(LINK, { input: { coreEnterpriseId: core.id, counterpartyId: supplier.id, role: 'SUPPLIER' } });
    const res = await hub.gql(UPDATE, { input: { id: supplier.id, kind: 'DISTRIBUTOR' } });
    expectError(res, 'CONFLICT', 'input.kind');
    const lone = await createClient({ kind: 'SUPPLIER' });
    const ok = await hub.ok<{ updateClient: ClientRow }>(UPDATE, { input: { id: lone.id, kind: 'DISTRIBUTOR' } });
    expect(ok.updateClient.kind).toBe('DISTRIBUTOR');
  });

  it('answers NOT_FOUND for an unknown client and BAD_USER_INPUT for a malformed id', async () => {
    expectError(await hub.gql(UPDATE, { input: { id: randomUUID(), name: 'x' } }), 'NOT_FOUND');
    expectError(await hub.gql(UPDATE, { input: { id: 'abc', name: 'x' } }), 'BAD_USER_INPUT', 'input.id');
  });

  it('is closed to risk officers, who change status and rating through their own mutations', async () => {
    const client = await createClient({ status: 'ACTIVE' });
    expectError(await hub.gql(UPDATE, { input: { id: client.id, name: 'x' } }, { key: riskKey }), 'FORBIDDEN');

    const status = await hub.ok<{ changeClientStatus: ClientRow }>(
      `mutation($input: ChangeClientStatusInput!) { changeClientStatus(input: $input) { status } }`,
      { input: { id: client.id, status: 'WATCHLIST', reason: 'late payments' } },
      riskKey,
    );
    expect(status.changeClientStatus.status).toBe('WATCHLIST');

    const rating = await hub.ok<{ changeClientCreditRating: ClientRow }>(
      `mutation($input: ChangeClientCreditRatingInput!) { changeClientCreditRating(input: $input) { creditRating } }`,
      { input: { id: client.id, creditRating: 'BB', reason: 'agency downgrade' } },
      riskKey,
    );
    expect(rating.changeClientCreditRating.creditRating).toBe('BB');

    const refused = await hub.gql(
      `mutation($input: ChangeClientStatusInput!) { changeClientStatus(input: $input) { status } }`,
      { input: { id: client.id, status: 'PROSPECT' } },
      { key: riskKey },
    );
    expectError(refused, 'CONFLICT', 'input.status');
    const viewer = await hub.gql(
      `mutation($input: ChangeClientStatusInput!) { changeClientStatus(input: $input) { status } }`,
      { input: { id: client.id, status: 'ACTIVE' } },
      { key: viewerKey },
    );
    expectError(viewer, 'FORBIDDEN');
  });
});

// ---- listing ---------------------------------------------------------------------------------

describe('clients', () => {
  it('filters by kind, industry, status and relationship manager', async () => {
    const rm = newRm();
    const a = await createClient({ relationshipManager: rm, kind: 'CORE_ENTERPRISE', industry: 'AUTOMOTIVE', status: 'ACTIVE' });
    const b = await createClient({ relationshipManager: rm, kind: 'SUPPLIER', industry: 'NEW_ENERGY' });
    const c = await createClient({ relationshipManager: rm, kind: 'DISTRIBUTOR', industry: 'RETAIL', status: 'ACTIVE' });
    await createClient({ relationshipManager: newRm(), kind: 'CORE_ENTERPRISE', industry: 'AUTOMOTIVE' });

    const ids = async (filter: Record<string, unknown>) =>
      (await listClients({ filter: { relationshipManager: rm, ...filter } })).edges.map((e) => e.node.id).sort();

    expect(await ids({})).toEqual([a.id, b.id, c.id].sort());
    expect(await ids({ kinds: ['CORE_ENTERPRISE', 'DISTRIBUTOR'] })).toEqual([a.id, c.id].sort());
    expect(await ids({ industries: ['NEW_ENERGY'] })).toEqual([b.id]);
    expect(await ids({ statuses: ['ACTIVE'] })).toEqual([a.id, c.id].sort());
    expect(await ids({ statuses: ['ACTIVE'], kinds: ['DISTRIBUTOR'] })).toEqual([c.id]);
    expect(await ids({ kinds: [] })).toHaveLength(3);
  });

  it('searches names and credit codes case-insensitively, taking % and _ literally', async () => {
    const rm = newRm();
    const gear = await createClient({ relationshipManager: rm, name: 'Shenzhen GearWorks' });
    const pct = await createClient({ relationshipManager: rm, name: 'Discount 100% Trading' });
    const under = await createClient({ relationshipManager: rm, name: 'snake_case Holdings' });
    await createClient({ relationshipManager: rm, name: 'Unrelated' });

    const search = async (s: string) => (await listClients({ filter: { relationshipManager: rm, search: s } })).edges.map((e) => e.node.id);
    expect(await search('gearworks')).toEqual([gear.id]);
    expect(await search('%')).toEqual([pct.id]);
    expect(await search('_')).toEqual([under.id]);
    expect(await search(gear.unifiedSocialCreditCode.slice(8, 16).toLowerCase())).toEqual([gear.id]);
  });

  it('orders by name, creation and update time in either direction, ties broken by id', async () => {
    const rm = newRm();
    const b = await createClient({ relationshipManager: rm, name: 'Beta' });
    const a = await createClient({ relationshipManager: rm, name: 'Alpha' });
    const twin1 = await createClient({ relationshipManager: rm, name: 'Gamma' });
    const twin2 = await createClient({ relationshipManager: rm, name: 'Gamma' });
    const twins = [twin1.id, twin2.id].sort();
    const order = async (field: string, direction: string) =>
      (await listClients({ filter: { relationshipManager: rm }, orderBy: { field, direction } })).edges.map((e) => e.node.id);

    expect(await order('NAME', 'ASC')).toEqual([a.id, b.id, ...twins]);
    expect(await order('NAME', 'DESC')).toEqual([...twins.reverse(), b.id, a.id]);
    expect(await order('CREATED_AT', 'ASC')).toEqual([b.id, a.id, twin1.id, twin2.id]);
    expect(await order('CREATED_AT', 'DESC')).toEqual([twin2.id, twin1.id, a.id, b.id]);

    await hub.ok(UPDATE, { input: { id: b.id, city: 'Hefei' } });
    expect((await order('UPDATED_AT', 'DESC'))[0]).toBe(b.id);
    // Default: by name.
    const byDefault = (await listClients({ filter: { relationshipManager: rm } })).edges.map((e) => e.node.name);
    expect(byDefault).toEqual(['Alpha', 'Beta', 'Gamma', 'Gamma']);
  });

  it('pages with cursors that stay stable when clients are inserted before them', async () => {
    const rm = newRm();
    for (const name of ['C1', 'C2', 'C3', 'C4', 'C5', 'C6']) await createClient({ relationshipManager: rm, name });
    const filter = { relationshipManager: rm };

    const page1 = await listClients({ filter, first: 2 });
    expect(page1.totalCount).toBe(6);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    expect(page1.edges.map((e) => e.node.name)).toEqual(['C1', 'C2']);

    // Rows sorting before the cursor arrive between two page loads: nothing shifts.
    await createClient({ relationshipManager: rm, name: 'C0' });
    await createClient({ relationshipManager: rm, name: 'C1a' });
    const page2 = await listClients({ filter, first: 2, after: page1.pageInfo.endCursor });
    expect(page2.edges.map((e) => e.node.name)).toEqual(['C3', 'C4']);
    expect(page2.totalCount).toBe(8);
    const page3 = await listClients({ filter, first: 10, after: page2.pageInfo.endCursor });
    expect(page3.edges.map((e) => e.node.name)).toEqual(['C5', 'C6']);
    expect(page3.pageInfo.hasNextPage).toBe(false);
    expect(page3.pageInfo.endCursor).toBe(page3.edges[1]!.cursor);
  });

  it('pages by creation time newest first without repeats or gaps', async () => {
    const rm = newRm();
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await createClient({ relationshipManager: rm })).id);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await listClients({ filter: { relationshipManager: rm }, orderBy: { field: 'CREATED_AT', direction: 'DESC' }, first: 2, after });
      seen.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual([...created].reverse());
  });

  it('refuses more than 100 per page and a cursor of another ordering', async () => {
    const big = await hub.gql(`{ clients(first: 101) { totalCount } }`);
    expectError(big, 'BAD_USER_INPUT', 'first');
    const rm = newRm();
    await createClient({ relationshipManager: rm });
    await createClient({ relationshipManager: rm });
    const page = await listClients({ filter: { relationshipManager: rm }, first: 1 });
    const res = await hub.gql(`query($after: String) { clients(after: $after, orderBy: { field: CREATED_AT }) { totalCount } }`, {
      after: page.pageInfo.endCursor,
    });
    expectError(res, 'BAD_USER_INPUT', 'after');
    const garbage = await hub.gql(`{ clients(after: "not-a-cursor") { totalCount } }`);
    expectError(garbage, 'BAD_USER_INPUT', 'after');
  });
});

// ---- supply chain ----------------------------------------------------------------------------

describe('supply-chain links', () => {
  const NEIGHBOURS = `query($id: ID!) { client(id: $id) {
    suppliers { id } distributors { id } logisticsProviders { id } coreEnterprises { id } } }`;
  type Neighbours = { client: Record<'suppliers' | 'distributors' | 'logisticsProviders' | 'coreEnterprises', { id: string }[]> };

  it('links a core enterprise to its suppliers, distributors and logistics providers, readable from both sides', async () => {
    const core = await createClient({ kind: 'CORE_ENTERPRISE', name: 'BYD-like Motors' });
    const supplierB = await createClient({ kind: 'SUPPLIER', name: 'B Batteries' });
    const supplierA = await createClient({ kind: 'SUPPLIER', name: 'A Axles' });
    const distributor = await createClient({ kind: 'DISTRIBUTOR' });
    const carrier = await createClient({ kind: 'LOGISTICS_PROVIDER' });
    const otherCore = await createClient({ kind: 'CORE_ENTERPRISE', name: 'Another Core' });

    const link = await hub.ok<{ linkSupplyChain: { role: string; coreEnterprise: { id: string }; counterparty: { id: string } } }>(
      LINK,
      { input: { coreEnterpriseId: core.id, counterpartyId: supplierB.id, role: 'SUPPLIER' } },
      rmKey,
    );
    expect(link.linkSupplyChain).toMatchObject({ role: 'SUPPLIER', coreEnterprise: { id: core.id }, counterparty: { id: supplierB.id } });
    await hub.ok(LINK, { input: { coreEnterpriseId: core.id, counterpartyId: supplierA.id, role: 'SUPPLIER' } });
    await hub.ok(LINK, { input: { coreEnterpriseId: core.id, counterpartyId: distributor.id, role: 'DISTRIBUTOR' } });
    await hub.ok(LINK, { input: { coreEnterpriseId: core.id, counterpartyId: carrier.id, role: 'LOGISTICS_PROVIDER' } });
    await hub.ok(LINK, { input: { coreEnterpriseId: otherCore.id, counterpartyId: supplierA.id, role: 'SUPPLIER' } });

    const fromCore = await hub.ok<Neighbours>(NEIGHBOURS, { id: core.id }, viewerKey);
    expect(fromCore.client).toEqual({
      suppliers: [{ id: supplierA.id }, { id: supplierB.id }],
      distributors: [{ id: distributor.id }],
      logisticsProviders: [{ id: carrier.id }],
      coreEnterprises: [],
    });
    const fromSupplier = await hub.ok<Neighbours>(NEIGHBOURS, { id: supplierA.id });
    expect(fromSupplier.client.coreEnterprises).toEqual([{ id: otherCore.id }, { id: core.id }]);
    expect(fromSupplier.client.suppliers).toEqual([]);
    const fromCarrier = await hub.ok<Neighbours>(NEIGHBOURS, { id: carrier.id });
    expect(fromCarrier.client.coreEnterprises).toEqual([{ id: core.id }]);
  });

  it('refuses a core that is not a core enterprise, a counterparty of the wrong kind, and a self-link', async () => {
    const core = await createClient({ kind: 'CORE_ENTERPRISE' });
    const supplier = await createClient({ kind: 'SUPPLIER' });
    const distributor = await createClient({ kind: 'DISTRIBUTOR' });

    const supplierAsCore = await hub.gql(LINK, { input: { coreEnterpriseId: supplier.id, counterpartyId: distributor.id, role: 'DISTRIBUTOR' } });
    expect(expectError(supplierAsCore, 'BAD_USER_INPUT', 'input.coreEnterpriseId').message).toMatch(/must be a CORE_ENTERPRISE/);

    const wrongRole = await hub.gql(LINK, { input: { coreEnterpriseId: core.id, counterpartyId: distributor.id, role: 'SUPPLIER' } });
    expect(expectError(wrongRole, 'BAD_USER_INPUT', 'input.counterpartyId').message).toMatch(/SUPPLIER link needs a SUPPLIER/);

    const coreAsSupplier = await hub.gql(LINK, { input: { coreEnterpriseId: core.id, counterpartyId: (await createClient({ kind: 'CORE_ENTERPRISE' })).id, role: 'SUPPLIER' } });
    expectError(coreAsSupplier, 'BAD_USER_INPUT', 'input.counterpartyId');

    const self = await hub.gql(LINK, { input: { coreEnterpriseId: core.id, counterpartyId: core.id, role: 'SUPPLIER' } });
    expect(expectError(self, 'BAD_USER_INPUT', 'input.counterpartyId').message).toMatch(/itself/);

    const missing = await hub.gql(LINK, { input: { coreEnterpriseId: core.id, counterpartyId: randomUUID(), role: 'SUPPLIER' } });
    expectError(missing, 'NOT_FOUND');

    const none = await hub.ok<Neighbours>(NEIGHBOURS, { id: core.id });
    expect(none.client.suppliers).toEqual([]);
    expect(none.client.distributors).toEqual([]);
  });

  it('refuses a duplicate link and a link to a terminated client as CONFLICT', async () => {
    const core = await createClient({ kind: 'CORE_ENTERPRISE' });
    const supplier = await createClient({ kind: 'SUPPLIER' });
    const input = { coreEnterpriseId: core.id, counterpartyId: supplier.id, role: 'SUPPLIER' };
    await hub.ok(LINK, { input });
    expectError(await hub.gql(LINK, { input }), 'CONFLICT', 'input.counterpartyId');

    const gone = await createClient({ kind: 'SUPPLIER' });
    await hub.ok(UPDATE, { input: { id: gone.id, status: 'TERMINATED' } });
    expectError(await hub.gql(LINK, { input: { ...input, counterpartyId: gone.id } }), 'CONFLICT', 'input.counterpartyId');
  });

  it('unlinks on both sides, and says NOT_FOUND for a link that does not exist', async () => {
    const core = await createClient({ kind: 'CORE_ENTERPRISE' });
    const supplier = await createClient({ kind: 'SUPPLIER' });
    const input = { coreEnterpriseId: core.id, counterpartyId: supplier.id, role: 'SUPPLIER' };
    await hub.ok(LINK, { input });
    await hub.ok(UNLINK, { input }, rmKey);
    expect((await hub.ok<Neighbours>(NEIGHBOURS, { id: core.id })).client.suppliers).toEqual([]);
    expect((await hub.ok<Neighbours>(NEIGHBOURS, { id: supplier.id })).client.coreEnterprises).toEqual([]);
    expectError(await hub.gql(UNLINK, { input }), 'NOT_FOUND');
    expectError(await hub.gql(UNLINK, { input }, { key: viewerKey }), 'FORBIDDEN');
  });
});

// ---- contacts --------------------------------------------------------------------------------

describe('contacts', () => {
  const ADD = `mutation($input: AddContactInput!) { addContact(input: $input) { id name title phone email primary client { id } } }`;
  const CONTACTS = `query($id: ID!) { client(id: $id) { contacts { name primary } } }`;

  it('adds contacts, primary first, and a new primary replaces the old one', async () => {
    const client = await createClient();
    const zhang = await hub.ok<{ addContact: { client: { id: string }; email: string } }>(
      ADD,
      { input: { clientId: client.id, name: 'Zhang San', title: 'CFO', phone: '+86 21 5555 0101', email: 'zhang@example.cn', primary: true } },
      rmKey,
    );
    expect(zhang.addContact).toMatchObject({ client: { id: client.id }, email: 'zhang@example.cn' });
    await hub.ok(ADD, { input: { clientId: client.id, name: 'An Ping' } });
    let read = await hub.ok<{ client: { contacts: { name: string; primary: boolean }[] } }>(CONTACTS, { id: client.id });
    expect(read.client.contacts).toEqual([
      { name: 'Zhang San', primary: true },
      { name: 'An Ping', primary: false },
    ]);
    await hub.ok(ADD, { input: { clientId: client.id, name: 'Zhou Li', primary: true } });
    read = await hub.ok(CONTACTS, { id: client.id });
    expect(read.client.contacts).toEqual([
      { name: 'Zhou Li', primary: true },
      { name: 'An Ping', primary: false },
      { name: 'Zhang San', primary: false },
    ]);
  });

  it('refuses a malformed e-mail or phone and an unknown client', async () => {
    const client = await createClient();
    expectError(await hub.gql(ADD, { input: { clientId: client.id, name: 'X', email: 'not-an-email' } }), 'BAD_USER_INPUT', 'input.email');
    expectError(await hub.gql(ADD, { input: { clientId: client.id, name: 'X', phone: 'call me' } }), 'BAD_USER_INPUT', 'input.phone');
    expectError(await hub.gql(ADD, { input: { clientId: randomUUID(), name: 'X' } }), 'NOT_FOUND');
  });

  it('removes a contact', async () => {
    const client = await createClient();
    const added = await hub.ok<{ addContact: { id: string } }>(ADD, { input: { clientId: client.id, name: 'Temp' } });
    await hub.ok(`mutation($id: ID!) { removeContact(id: $id) { id } }`, { id: added.addContact.id });
    const read = await hub.ok<{ client: { contacts: unknown[] } }>(CONTACTS, { id: client.id });
    expect(read.client.contacts).toEqual([]);
  });
});

// ---- interactions and follow-ups -------------------------------------------------------------

describe('interactions', () => {
  it('records an interaction and moves lastContactAt forward, never back', async () => {
    const client = await createClient();
    const recent = daysAgo(2);
    const rec = await hub.ok<{ recordInteraction: { kind: string; occurredAt: string; recordedBy: string; followUpDueAt: string | null } }>(
      RECORD,
      { input: { clientId: client.id, kind: 'VISIT', occurredAt: recent, summary: 'Plant visit; capacity doubled' } },
      rmKey,
    );
    expect(rec.recordInteraction).toMatchObject({ kind: 'VISIT', occurredAt: recent, recordedBy: 'test RELATIONSHIP_MANAGER', followUpDueAt: null });
    await hub.ok(RECORD, { input: { clientId: client.id, kind: 'EMAIL', occurredAt: daysAgo(10), summary: 'Older e-mail logged late' } });
    const read = await hub.ok<{ client: { lastContactAt: string } }>(`{ client(id: "${client.id}") { lastContactAt } }`);
    expect(read.client.lastContactAt).toBe(recent);
  });

  it('refuses a future occurrence, a follow-up before the interaction, and an empty summary', async () => {
    const client = await createClient();
    const input = { clientId: client.id, kind: 'CALL', occurredAt: daysAgo(1), summary: 'ok' };
    expectError(await hub.gql(RECORD, { input: { ...input, occurredAt: daysAhead(1) } }), 'BAD_USER_INPUT', 'input.occurredAt');
    expectError(await hub.gql(RECORD, { input: { ...input, followUpDueAt: daysAgo(2) } }), 'BAD_USER_INPUT', 'input.followUpDueAt');
    expectError(await hub.gql(RECORD, { input: { ...input, summary: ' ' } }), 'BAD_USER_INPUT', 'input.summary');
    expectError(await hub.gql(RECORD, { input }, { key: viewerKey }), 'FORBIDDEN');
  });

  it('lists a client’s interactions newest first as a connection with stable cursors', async () => {
    const client = await createClient();
    for (let d = 5; d >= 1; d--) {
      await hub.ok(RECORD, { input: { clientId: client.id, kind: 'CALL', occurredAt: daysAgo(d), summary: `call ${d} days ago` } });
    }
    const PAGE = `query($id: ID!, $after: String) { client(id: $id) { interactions(first: 2, after: $after) {
      totalCount edges { cursor node { summary client { id } } } pageInfo { hasNextPage endCursor } } } }`;
    type Page = { client: { interactions: { totalCount: number; edges: { node: { summary: string; client: { id: string } } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } } };
    const p1 = await hub.ok<Page>(PAGE, { id: client.id });
    expect(p1.client.interactions.totalCount).toBe(5);
    expect(p1.client.interactions.edges.map((e) => e.node.summary)).toEqual(['call 1 days ago', 'call 2 days ago']);
    expect(p1.client.interactions.edges[0]!.node.client.id).toBe(client.id);
    // A newer interaction arrives: the next page continues where the first stopped.
    await hub.ok(RECORD, { input: { clientId: client.id, kind: 'EMAIL', occurredAt: daysAgo(0.5), summary: 'newest' } });
    const p2 = await hub.ok<Page>(PAGE, { id: client.id, after: p1.client.interactions.pageInfo.endCursor });
    expect(p2.client.interactions.edges.map((e) => e.node.summary)).toEqual(['call 3 days ago', 'call 4 days ago']);
    const p3 = await hub.ok<Page>(PAGE, { id: client.id, after: p2.client.interactions.pageInfo.endCursor });
    expect(p3.client.interactions.edges.map((e) => e.node.summary)).toEqual(['call 5 days ago']);
    expect(p3.client.interactions.pageInfo.hasNextPage).toBe(false);
    expect(p3.client.interactions.totalCount).toBe(6);
  });

  it('completes a follow-up once, and refuses to complete one never promised', async () => {
    const client = await createClient();
    const withFollowUp = await hub.ok<{ recordInteraction: { id: string } }>(RECORD, {
      input: { clientId: client.id, kind: 'MEETING', occurredAt: daysAgo(3), summary: 'Pricing talk', followUpDueAt: daysAgo(1) },
    });
    const COMPLETE = `mutation($id: ID!) { completeFollowUp(interactionId: $id) { followUpDoneAt } }`;
    const done = await hub.ok<{ completeFollowUp: { followUpDoneAt: string } }>(COMPLETE, { id: withFollowUp.recordInteraction.id }, rmKey);
    expect(Date.parse(done.completeFollowUp.followUpDoneAt)).toBeGreaterThan(Date.now() - 60_000);
    expectError(await hub.gql(COMPLETE, { id: withFollowUp.recordInteraction.id }), 'CONFLICT', 'interactionId');

    const plain = await hub.ok<{ recordInteraction: { id: string } }>(RECORD, {
      input: { clientId: client.id, kind: 'CALL', occurredAt: daysAgo(1), summary: 'Quick call' },
    });
    expectError(await hub.gql(COMPLETE, { id: plain.recordInteraction.id }), 'CONFLICT', 'interactionId');
    expectError(await hub.gql(COMPLETE, { id: randomUUID() }), 'NOT_FOUND');
  });
});

describe('followUps', () => {
  const FOLLOW_UPS = `query($filter: FollowUpFilter, $first: Int, $after: String) {
    followUps(filter: $filter, first: $first, after: $after) {
      totalCount
      edges { cursor node { kind dueAt reason client { id name } interaction { id summary } } }
      pageInfo { hasNextPage endCursor }
    } }`;
  interface FollowUpsData {
    followUps: {
      totalCount: number;
      edges: { cursor: string; node: { kind: string; dueAt: string; reason: string; client: { id: string; name: string }; interaction: { id: string; summary: string } | null } }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  }
  const followUps = (filter: Record<string, unknown>, first?: number, after?: string | null) =>
    hub.ok<FollowUpsData>(FOLLOW_UPS, { filter, first, after }, viewerKey);

  it('lists promised follow-ups that are due and not done', async () => {
    const rm = newRm();
    const client = await createClient({ relationshipManager: rm, status: 'ACTIVE' });
    await hub.ok(RECORD, { input: { clientId: client.id, kind: 'MEETING', occurredAt: daysAgo(1), summary: 'Due soon', followUpDueAt: daysAhead(2) } });
    const overdue = await hub.ok<{ recordInteraction: { id: string } }>(RECORD, {
      input: { clientId: client.id, kind: 'VISIT', occurredAt: daysAgo(5), summary: 'Overdue promise', followUpDueAt: daysAgo(1) },
    });
    const done = await hub.ok<{ recordInteraction: { id: string } }>(RECORD, {
      input: { clientId: client.id, kind: 'CALL', occurredAt: daysAgo(4), summary: 'Done promise', followUpDueAt: daysAgo(2) },
    });
    await hub.ok(`mutation($id: ID!) { completeFollowUp(interactionId: $id) { id } }`, { id: done.recordInteraction.id });

    const now = await followUps({ relationshipManager: rm });
    expect(now.followUps.edges.map((e) => e.node.interaction?.summary)).toEqual(['Overdue promise']);
    expect(now.followUps.edges[0]!.node).toMatchObject({ kind: 'EXPLICIT', client: { id: client.id }, interaction: { id: overdue.recordInteraction.id } });
    expect(now.followUps.edges[0]!.node.reason).toMatch(/VISIT/);

    const inThreeDays = await followUps({ relationshipManager: rm, dueBefore: daysAhead(3) });
    expect(inThreeDays.followUps.edges.map((e) => e.node.interaction?.summary)).toEqual(['Overdue promise', 'Due soon']);
    expect(inThreeDays.followUps.totalCount).toBe(2);
  });

  it('lists active clients overdue for contact: core enterprises monthly, others quarterly', async () => {
    const rm = newRm();
    const core = await createClient({ relationshipManager: rm, kind: 'CORE_ENTERPRISE', status: 'ACTIVE', name: 'Core 40d' });
    const supplier40 = await createClient({ relationshipManager: rm, kind: 'SUPPLIER', status: 'ACTIVE', name: 'Supplier 40d' });
    const supplier100 = await createClient({ relationshipManager: rm, kind: 'SUPPLIER', status: 'WATCHLIST', name: 'Supplier 100d' });
    const prospect = await createClient({ relationshipManager: rm, kind: 'CORE_ENTERPRISE', name: 'Prospect 100d' });
    for (const [c, d] of [[core, 40], [supplier40, 40], [supplier100, 100], [prospect, 100]] as const) {
      await hub.ok(RECORD, { input: { clientId: c.id, kind: 'CALL', occurredAt: daysAgo(d), summary: 'last call' } });
    }
    const due = await followUps({ relationshipManager: rm, kinds: ['CADENCE'] });
    const names = due.followUps.edges.map((e) => e.node.client.name);
    // The core enterprise (monthly) and the 100-day supplier (quarterly) are due; the 40-day supplier and the prospect are not.
    expect(names.sort()).toEqual(['Core 40d', 'Supplier 100d']);
    const coreItem = due.followUps.edges.find((e) => e.node.client.id === core.id)!.node;
    expect(coreItem).toMatchObject({ kind: 'CADENCE', interaction: null });
    expect(coreItem.reason).toMatch(/no contact for 40 days.*monthly/);
    const expectedDue = Date.parse(daysAgo(40)) + 30 * 86_400_000;
    expect(Math.abs(Date.parse(coreItem.dueAt) - expectedDue)).toBeLessThan(60_000);
  });

  it('counts from onboarding for clients never contacted', async () => {
    const rm = newRm();
    const core = await createClient({ relationshipManager: rm, kind: 'CORE_ENTERPRISE', status: 'ACTIVE' });
    const distributor = await createClient({ relationshipManager: rm, kind: 'DISTRIBUTOR', status: 'ACTIVE' });
    expect((await followUps({ relationshipManager: rm })).followUps.totalCount).toBe(0);
    const in31 = await followUps({ relationshipManager: rm, dueBefore: daysAhead(31) });
    expect(in31.followUps.edges.map((e) => e.node.client.id)).toEqual([core.id]);
    expect(in31.followUps.edges[0]!.node.reason).toMatch(/never contacted/);
    const in91 = await followUps({ relationshipManager: rm, dueBefore: daysAhead(91) });
    expect(in91.followUps.edges.map((e) => e.node.client.id)).toEqual([core.id, distributor.id]);
  });

  it('sorts both kinds by due date, filters by client, and pages', async () => {
    const rm = newRm();
    const core = await createClient({ relationshipManager: rm, kind: 'CORE_ENTERPRISE', status: 'ACTIVE' });
    const other = await createClient({ relationshipManager: rm, kind: 'SUPPLIER', status: 'ACTIVE' });
    await hub.ok(RECORD, { input: { clientId: core.id, kind: 'CALL', occurredAt: daysAgo(35), summary: 'cadence base' } }); // due 5 days ago
    await hub.ok(RECORD, { input: { clientId: core.id, kind: 'MEETING', occurredAt: daysAgo(40), summary: 'p1', followUpDueAt: daysAgo(20) } });
    await hub.ok(RECORD, { input: { clientId: core.id, kind: 'MEETING', occurredAt: daysAgo(40), summary: 'p2', followUpDueAt: daysAgo(1) } });
    await hub.ok(RECORD, { input: { clientId: other.id, kind: 'MEETING', occurredAt: daysAgo(40), summary: 'other', followUpDueAt: daysAgo(10) } });

    const all = await followUps({ relationshipManager: rm });
    expect(all.followUps.edges.map((e) => e.node.interaction?.summary ?? e.node.kind)).toEqual(['p1', 'other', 'CADENCE', 'p2']);
    const dueTimes = all.followUps.edges.map((e) => Date.parse(e.node.dueAt));
    expect([...dueTimes].sort((a, b) => a - b)).toEqual(dueTimes);

    const onlyCore = await followUps({ relationshipManager: rm, clientId: core.id });
    expect(onlyCore.followUps.totalCount).toBe(3);

    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await followUps({ relationshipManager: rm }, 1, after);
      expect(page.followUps.totalCount).toBe(4);
      seen.push(...page.followUps.edges.map((e) => e.node.interaction?.summary ?? e.node.kind));
      if (!page.followUps.pageInfo.hasNextPage) break;
      after = page.followUps.pageInfo.endCursor;
    }
    expect(seen).toEqual(['p1', 'other', 'CADENCE', 'p2']);
  });
});

// ---- feedback --------------------------------------------------------------------------------

describe('feedback', () => {
  it('requires a whole score from 0 to 10 on a survey', async () => {
    const client = await createClient();
    for (const score of [undefined, -1, 11]) {
      const res = await hub.gql(FEEDBACK, { input: { clientId: client.id, kind: 'SURVEY', score } });
      expectError(res, 'BAD_USER_INPUT', 'input.score');
    }
    const ok = await hub.ok<{ submitFeedback: { kind: string; score: number; status: string | null } }>(
      FEEDBACK,
      { input: { clientId: client.id, kind: 'SURVEY', score: 0, body: 'slow approvals' } },
      rmKey,
    );
    expect(ok.submitFeedback).toMatchObject({ kind: 'SURVEY', score: 0, status: null });
  });

  it('requires a category and a body on a complaint, which starts OPEN', async () => {
    const client = await createClient();
    expectError(await hub.gql(FEEDBACK, { input: { clientId: client.id, kind: 'COMPLAINT', body: 'too slow' } }), 'BAD_USER_INPUT', 'input.category');
    expectError(
      await hub.gql(FEEDBACK, { input: { clientId: client.id, kind: 'COMPLAINT', category: 'PRICING', body: '  ' } }),
      'BAD_USER_INPUT',
      'input.body',
    );
    expectError(
      await hub.gql(FEEDBACK, { input: { clientId: client.id, kind: 'COMPLAINT', category: 'PRICING', body: 'x', score: 3 } }),
      'BAD_USER_INPUT',
      'input.score',
    );
    const ok = await hub.ok<{ submitFeedback: { status: string; category: string } }>(FEEDBACK, {
      input: { clientId: client.id, kind: 'COMPLAINT', category: 'APPROVAL_SPEED', body: 'Approval took three weeks' },
    });
    expect(ok.submitFeedback).toMatchObject({ status: 'OPEN', category: 'APPROVAL_SPEED' });
  });

  it('takes a complaint through IN_PROGRESS to RESOLVED, once', async () => {
    const client = await createClient();
    const c = await hub.ok<{ submitFeedback: { id: string } }>(FEEDBACK, {
      input: { clientId: client.id, kind: 'COMPLAINT', category: 'SERVICE', body: 'No callback' },
    });
    const id = c.submitFeedback.id;
    const started = await hub.ok<{ startComplaint: { status: string } }>(`mutation($id: ID!) { startComplaint(id: $id) { status } }`, { id }, rmKey);
    expect(started.startComplaint.status).toBe('IN_PROGRESS');
    const RESOLVE = `mutation($input: ResolveComplaintInput!) { resolveComplaint(input: $input) { status resolution resolvedAt } }`;
    const resolved = await hub.ok<{ resolveComplaint: { status: string; resolution: string; resolvedAt: string } }>(RESOLVE, {
      input: { id, resolution: 'Dedicated contact assigned' },
    });
    expect(resolved.resolveComplaint).toMatchObject({ status: 'RESOLVED', resolution: 'Dedicated contact assigned' });
    expect(resolved.resolveComplaint.resolvedAt).toBeTruthy();
    const again = await hub.gql(RESOLVE, { input: { id, resolution: 'again' } });
    expect(expectError(again, 'CONFLICT', 'input.id').message).toMatch(/already resolved/);

    const survey = await hub.ok<{ submitFeedback: { id: string } }>(FEEDBACK, { input: { clientId: client.id, kind: 'SURVEY', score: 8 } });
    expectError(await hub.gql(RESOLVE, { input: { id: survey.submitFeedback.id, resolution: 'x' } }), 'CONFLICT', 'input.id');
    expectError(await hub.gql(RESOLVE, { input: { id, resolution: 'x' } }, { key: viewerKey }), 'FORBIDDEN');
  });

  it('shows a client’s feedback newest first and its survey satisfaction', async () => {
    const client = await createClient();
    for (const score of [10, 9, 7, 3]) await hub.ok(FEEDBACK, { input: { clientId: client.id, kind: 'SURVEY', score } });
    await hub.ok(FEEDBACK, { input: { clientId: client.id, kind: 'COMPLAINT', category: 'OTHER', body: 'Last one' } });
    const read = await hub.ok<{
      client: { feedback: { kind: string; score: number | null }[]; surveys: unknown[]; satisfaction: { surveys: number; averageScore: number; netPromoterScore: number } };
    }>(`query($id: ID!) { client(id: $id) {
        feedback { kind score } surveys: feedback(kind: SURVEY) { score }
        satisfaction { surveys averageScore netPromoterScore } } }`, { id: client.id });
    expect(read.client.feedback.map((f) => f.score ?? f.kind)).toEqual(['COMPLAINT', 3, 7, 9, 10]);
    expect(read.client.surveys).toHaveLength(4);
    // (10 + 9 + 7 + 3) / 4 = 7.25; promoters 2, detractors 1 of 4 → NPS 25.
    expect(read.client.satisfaction).toEqual({ surveys: 4, averageScore: 7.25, netPromoterScore: 25 });

    const none = await createClient();
    const empty = await hub.ok<{ client: { satisfaction: unknown } }>(`{ client(id: "${none.id}") { satisfaction { surveys averageScore netPromoterScore } } }`);
    expect(empty.client.satisfaction).toEqual({ surveys: 0, averageScore: null, netPromoterScore: null });
  });
});
