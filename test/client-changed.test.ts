import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CLIENT_CHANGED, ClientChange } from '../src/clients/client.events.js';
import { usccFromNumber } from '../src/clients/uscc.js';
import { appendEvent } from '../src/events/outbox.js';
import { Role, startTestHub, type TestHub } from './helpers/hub.js';
import { openStreams, subscribe, waitForStreams, type Collector } from './helpers/ws.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.close();
});

interface Event {
  cursor: string;
  change: string;
  fields: string[];
  subjectId: string | null;
  reason: string | null;
  occurredAt: string;
  client: { id: string; name: string; status: string };
}
type EventData = { clientChanged: Event };

const CLIENT_CHANGED_SUB = `subscription($filter: ClientChangedFilter, $after: String) {
  clientChanged(filter: $filter, after: $after) { cursor change fields subjectId reason occurredAt client { id name status } }
}`;

let serial = 0;
async function createClient(input: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
  const data = await hub.ok<{ createClient: { id: string; name: string } }>(
    `mutation($input: CreateClientInput!) { createClient(input: $input) { id name } }`,
    { input: { name: `Client ${++serial}`, kind: 'SUPPLIER', industry: 'RETAIL', unifiedSocialCreditCode: usccFromNumber(900_000 + serial), ...input } },
  );
  return data.createClient;
}

const rename = (id: string, name: string) =>
  hub.ok(`mutation($input: UpdateClientInput!) { updateClient(input: $input) { id } }`, { input: { id, name } });

/** Subscribes and waits until the hub has registered the stream, so no commit can slip past it. */
async function open(variables: Record<string, unknown>, key?: string): Promise<Collector<EventData>> {
  const before = openStreams(hub);
  const sub = subscribe<EventData>(hub, CLIENT_CHANGED_SUB, variables, key);
  await waitForStreams(hub, before + 1);
  return sub;
}

async function events(sub: Collector<EventData>, n: number): Promise<Event[]> {
  const results = await sub.take(n, 10_000);
  return results.map((r) => {
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    return r.data!.clientChanged;
  });
}

describe('clientChanged', () => {
  it('delivers every committed change with the client as it is now', async () => {
    const client = await createClient({ kind: 'CORE_ENTERPRISE' });
    const sub = await open({ filter: { clientId: client.id } });
    try {
      await rename(client.id, 'Renamed once');
      const [first] = await events(sub, 1);
      expect(first).toMatchObject({ change: 'UPDATED', fields: ['name'], client: { id: client.id, name: 'Renamed once' } });
      expect(Math.abs(Date.parse(first!.occurredAt) - Date.now())).toBeLessThan(60_000);

      // A fresh read per event: the second event must not show the first one's client.
      await rename(client.id, 'Renamed twice');
      const [second] = await events(sub, 1);
      expect(second!.client.name).toBe('Renamed twice');
      expect(second!.cursor).not.toBe(first!.cursor);

      await hub.ok(`mutation($input: ChangeClientStatusInput!) { changeClientStatus(input: $input) { id } }`, {
        input: { id: client.id, status: 'ACTIVE', reason: 'onboarded' },
      });
      const interaction = await hub.ok<{ recordInteraction: { id: string } }>(
        `mutation($input: RecordInteractionInput!) { recordInteraction(input: $input) { id } }`,
        { input: { clientId: client.id, kind: 'VISIT', occurredAt: new Date(Date.now() - 3_600_000).toISOString(), summary: 'Site visit' } },
      );
      const [status, recorded] = await events(sub, 2);
      expect(status).toMatchObject({ change: 'STATUS_CHANGED', fields: ['status', 'nextReviewDate'], reason: 'onboarded', client: { status: 'ACTIVE' } });
      expect(recorded).toMatchObject({ change: 'INTERACTION_RECORDED', subjectId: interaction.recordInteraction.id });
    } finally {
      await sub.close();
    }
  });

  it('hears of a link on both sides', async () => {
    const core = await createClient({ kind: 'CORE_ENTERPRISE' });
    const supplier = await createClient({ kind: 'SUPPLIER' });
    const coreSub = await open({ filter: { clientId: core.id } });
    const supplierSub = await open({ filter: { clientId: supplier.id } });
    try {
      const link = await hub.ok<{ linkSupplyChain: { id: string } }>(
        `mutation($input: LinkSupplyChainInput!) { linkSupplyChain(input: $input) { id } }`,
        { input: { coreEnterpriseId: core.id, counterpartyId: supplier.id, role: 'SUPPLIER' } },
      );
      const [onCore] = await events(coreSub, 1);
      const [onSupplier] = await events(supplierSub, 1);
      expect(onCore).toMatchObject({ change: 'LINKED', subjectId: link.linkSupplyChain.id, client: { id: core.id } });
      expect(onSupplier).toMatchObject({ change: 'LINKED', subjectId: link.linkSupplyChain.id, client: { id: supplier.id } });
    } finally {
      await coreSub.close();
      await supplierSub.close();
    }
  });

  it('sends nothing for other clients and nothing for a refused change', async () => {
    const mine = await createClient();
    const other = await createClient();
    const sub = await open({ filter: { clientId: mine.id } });
    try {
      await rename(other.id, 'Not yours');
      const refused = await hub.gql(`mutation($input: UpdateClientInput!) { updateClient(input: $input) { id } }`, {
        input: { id: mine.id, status: 'SUSPENDED' },
      });
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      await sub.expectSilence(700);
      await rename(mine.id, 'Yours');
      const [e] = await events(sub, 1);
      expect(e!.client.name).toBe('Yours');
    } finally {
      await sub.close();
    }
  });

  it('replays what a reconnecting subscriber missed, once each and in order, then goes live', async () => {
    const client = await createClient();
    const first = await open({ filter: { clientId: client.id } });
    await rename(client.id, 'v1');
    const [seen] = await events(first, 1);
    await first.close();

    // Missed while disconnected:
    await rename(client.id, 'v2');
    await rename(client.id, 'v3');
    await hub.ok(`mutation($input: AddContactInput!) { addContact(input: $input) { id } }`, { input: { clientId: client.id, name: 'Gao Fei' } });

    const again = await open({ filter: { clientId: client.id }, after: seen!.cursor });
    try {
      const missed = await events(again, 3);
      expect(missed.map((e) => e.change)).toEqual(['UPDATED', 'UPDATED', 'CONTACT_ADDED']);
      expect(new Set(missed.map((e) => e.cursor)).size).toBe(3);
      await rename(client.id, 'v4');
      const [live] = await events(again, 1);
      expect(live!.client.name).toBe('v4');
      await again.expectSilence(500);

      // Resuming from the middle gives exactly the rest.
      const fromMiddle = await open({ filter: { clientId: client.id }, after: missed[1]!.cursor });
      try {
        const rest = await events(fromMiddle, 2);
        expect(rest.map((e) => e.cursor)).toEqual([missed[2]!.cursor, live!.cursor]);
        await fromMiddle.expectSilence(500);
      } finally {
        await fromMiddle.close();
      }
    } finally {
      await again.close();
    }
  });

  it('is open to readers but not to partner keys, and refuses a malformed cursor', async () => {
    const client = await createClient();
    const viewerSub = await open({ filter: { clientId: client.id } }, await hub.keyFor(Role.VIEWER));
    try {
      await rename(client.id, 'seen by a viewer');
      const [e] = await events(viewerSub, 1);
      expect(e!.client.name).toBe('seen by a viewer');
    } finally {
      await viewerSub.close();
    }

    for (let i = 0; i < 100 && openStreams(hub) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    const streamsBefore = openStreams(hub);
    expect(streamsBefore).toBe(0);
    const partner = subscribe<EventData>(hub, CLIENT_CHANGED_SUB, {}, await hub.keyFor(Role.PARTNER, 'KD100'));
    const refused = await partner.next(5000);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Refused at subscribe time: no stream was opened for it.
    expect(openStreams(hub)).toBe(streamsBefore);
    expect(await partner.ended).toEqual({});
    await partner.close();

    const bad = subscribe<EventData>(hub, CLIENT_CHANGED_SUB, { after: 'bm90IGEgY3Vyc29y' });
    const res = await bad.next(5000);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    await bad.close();
  });

  it.skipIf(!process.env.DATABASE_URL)(
    'delivers an event whose transaction commits after a later-numbered one, live and on replay (PostgreSQL only: the embedded database is a single session)',
    async () => {
      const client = await createClient();
      const live = await open({ filter: { clientId: client.id } });
      try {
        await rename(client.id, 'before');
        const [before] = await events(live, 1);

        // Transaction A appends an event (taking the lower sequence number) and holds.
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        let appended!: (seq: bigint) => void;
        const wroteA = new Promise<bigint>((r) => (appended = r));
        const txA = hub.orm.em.fork().transactional(async (em: EntityManager) => {
          appendEvent(em, CLIENT_CHANGED, client.id, { clientId: client.id, change: ClientChange.UPDATED, fields: ['late'] });
          await em.flush();
          const [own] = await em
            .getConnection()
            .execute<{ seq: string }[]>(`select max(seq)::text as seq from outbox_event where aggregate_id = ?`, [client.id], 'all', em.getTransactionContext());
          appended(BigInt(own!.seq));
          await gate;
        });
        const seqA = await wroteA;

        // Transaction B, a normal mutation, commits first with a higher sequence number.
        await rename(client.id, 'committed first');
        const [seqB] = await hub.orm.em
          .fork()
          .getConnection()
          .execute<{ seq: string }[]>(`select max(seq)::text as seq from outbox_event where aggregate_id = ?`, [client.id]);
        expect(BigInt(seqB!.seq)).toBeGreaterThan(seqA);

        release();
        await txA;

        const delivered = await events(live, 2);
        expect(delivered.map((e) => e.fields)).toEqual(expect.arrayContaining([['late'], ['name']]));
        expect(new Set(delivered.map((e) => e.cursor)).size).toBe(2);
        await live.expectSilence(700);

        // A subscriber that missed both while away gets both, once each.
        const resumed = await open({ filter: { clientId: client.id }, after: before!.cursor });
        try {
          const replayed = await events(resumed, 2);
          expect(replayed.map((e) => e.cursor)).toEqual(delivered.map((e) => e.cursor));
          await resumed.expectSilence(700);
        } finally {
          await resumed.close();
        }
      } finally {
        await live.close();
      }
    },
  );
});
