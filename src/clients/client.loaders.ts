import DataLoader from 'dataloader';
import type { EntityDictionary } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from './client.entity.js';
import type { SupplyChainRole } from './client.enums.js';
import { groupBy, validIds } from '../graphql/batch.js';
import { Contact } from './contact.entity.js';
import { Feedback } from './feedback.entity.js';
import { Interaction } from './interaction.entity.js';
import { SupplyChainLink } from './supply-chain-link.entity.js';
import { sqlRows } from '../db/sql.js';

/** One client's interactions page: `fetch` rows (page size + 1) older than `after`, newest first. */
export interface InteractionPageKey {
  clientId: string;
  fetch: number;
  after: { occurredAt: string; id: string } | null;
}

/** Survey statistics of one client. */
export interface SatisfactionStats {
  surveys: number;
  averageScore: number | null;
  promoters: number;
  detractors: number;
}

const byName = (a: Client, b: Client) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Ids that can exist; a malformed one simply matches nothing instead of failing the batch. */


/**
 * Per-request loaders of the clients domain: every relation of Client is read through one of
 * these, so a page of clients costs the same number of statements whatever its size.
 * Batch functions return one result per key, in key order.
 */
export function createClientLoaders(em: EntityManager) {
  const byId = new DataLoader<string, Client | null>(async (ids) => {
    const wanted = validIds(ids);
    const rows = wanted.length ? await em.find(Client, { id: { $in: wanted } }) : [];
    const map = new Map(rows.map((c) => [c.id, c]));
    return ids.map((id) => map.get(id.toLowerCase()) ?? null);
  });

  /** Key `<coreEnterpriseId>|<role>`: the core's counterparties in that role, by name. */
  const counterparties = new DataLoader<string, Client[]>(async (keys) => {
    const parsed = keys.map((k) => k.split('|') as [string, SupplyChainRole]);
    const coreIds = validIds(parsed.map(([id]) => id));
    const roles = [...new Set(parsed.map(([, role]) => role))];
    const links = coreIds.length
      ? await em.find(
          SupplyChainLink,
          { coreEnterprise: { $in: coreIds }, role: { $in: roles } },
          { populate: ['counterparty'], strategy: 'joined' },
        )
      : [];
    const map = groupBy(links, (l) => `${l.coreEnterprise.id}|${l.role}`);
    return parsed.map(([id, role]) => (map.get(`${id.toLowerCase()}|${role}`) ?? []).map((l) => l.counterparty).sort(byName));
  });

  /** The core enterprises a counterparty is linked to, by name. */
  const coreEnterprises = new DataLoader<string, Client[]>(async (ids) => {
    const wanted = validIds(ids);
    const links = wanted.length
      ? await em.find(SupplyChainLink, { counterparty: { $in: wanted } }, { populate: ['coreEnterprise'], strategy: 'joined' })
      : [];
    const map = groupBy(links, (l) => l.counterparty.id);
    return ids.map((id) => {
      const cores = new Map((map.get(id.toLowerCase()) ?? []).map((l) => [l.coreEnterprise.id, l.coreEnterprise]));
      return [...cores.values()].sort(byName);
    });
  });

  /** Primary contact first, then by name. */
  const contacts = new DataLoader<string, Contact[]>(async (ids) => {
    const wanted = validIds(ids);
    const rows = wanted.length
      ? await em.find(Contact, { client: { $in: wanted } }, { orderBy: [{ primary: 'desc' }, { name: 'asc' }, { id: 'asc' }] })
      : [];
    const map = groupBy(rows, (c) => c.client.id);
    return ids.map((id) => map.get(id.toLowerCase()) ?? []);
  });

  /** Newest first. */
  const feedback = new DataLoader<string, Feedback[]>(async (ids) => {
    const wanted = validIds(ids);
    const rows = wanted.length
      ? await em.find(Feedback, { client: { $in: wanted } }, { orderBy: [{ submittedAt: 'desc' }, { id: 'desc' }] })
      : [];
    const map = groupBy(rows, (f) => f.client.id);
    return ids.map((id) => map.get(id.toLowerCase()) ?? []);
  });

  const interactionById = new DataLoader<string, Interaction | null>(async (ids) => {
    const wanted = validIds(ids);
    const rows = wanted.length ? await em.find(Interaction, { id: { $in: wanted } }) : [];
    const map = new Map(rows.map((i) => [i.id, i]));
    return ids.map((id) => map.get(id.toLowerCase()) ?? null);
  });

  /**
   * Every requested page in one statement: a LATERAL subquery per key walks the
   * (client_id, occurred_at, id) index backwards and stops after `fetch` rows.
   */
  const interactionPages = new DataLoader<InteractionPageKey, Interaction[], string>(
    async (keys) => {
      const rows = await sqlRows<Record<string, unknown> & { key_index: string }>(
        em,
        `select k.n as key_index, i.*
           from unnest(array[?]::uuid[], array[?]::int[], array[?]::timestamptz[], array[?]::uuid[])
                with ordinality as k(client_id, lim, after_at, after_id, n)
           cross join lateral (
             select * from interaction x
              where x.client_id = k.client_id
                and (k.after_id is null or (x.occurred_at, x.id) < (k.after_at, k.after_id))
              order by x.occurred_at desc, x.id desc
              limit k.lim
           ) i
          order by k.n, i.occurred_at desc, i.id desc`,
        [
          keys.map((k) => k.clientId),
          keys.map((k) => k.fetch),
          keys.map((k) => k.after?.occurredAt ?? null),
          keys.map((k) => k.after?.id ?? null),
        ],
      );
      const pages: Interaction[][] = keys.map(() => []);
      for (const { key_index, ...row } of rows) {
        pages[Number(key_index) - 1]?.push(em.map(Interaction, row as EntityDictionary<Interaction>));
      }
      return pages;
    },
    { cacheKeyFn: (k) => JSON.stringify([k.clientId, k.fetch, k.after]) },
  );

  const interactionCounts = new DataLoader<string, number>(async (ids) => {
    const wanted = validIds(ids);
    const rows = wanted.length
      ? await sqlRows<{ client_id: string; n: number }>(
          em,
          `select client_id, count(*)::int as n from interaction where client_id in (?) group by client_id`,
          [wanted],
        )
      : [];
    const map = new Map(rows.map((r) => [r.client_id, r.n]));
    return ids.map((id) => map.get(id.toLowerCase()) ?? 0);
  });

  /** Net promoter convention: 9–10 promoters, 0–6 detractors. */
  const satisfaction = new DataLoader<string, SatisfactionStats>(async (ids) => {
    const wanted = validIds(ids);
    const rows = wanted.length
      ? await sqlRows<{ client_id: string; surveys: number; average: number | null; promoters: number; detractors: number }>(
          em,
          `select client_id, count(*)::int as surveys, avg(score)::float8 as average,
                  (count(*) filter (where score >= 9))::int as promoters,
                  (count(*) filter (where score <= 6))::int as detractors
             from feedback
            where kind = 'SURVEY' and score is not null and client_id in (?)
            group by client_id`,
          [wanted],
        )
      : [];
    const map = new Map(rows.map((r) => [r.client_id, r]));
    return ids.map((id) => {
      const r = map.get(id.toLowerCase());
      return r
        ? { surveys: r.surveys, averageScore: r.average, promoters: r.promoters, detractors: r.detractors }
        : { surveys: 0, averageScore: null, promoters: 0, detractors: 0 };
    });
  });

  const loaders = {
    byId,
    counterparties,
    coreEnterprises,
    contacts,
    feedback,
    interactionById,
    interactionPages,
    interactionCounts,
    satisfaction,
  };
  return {
    ...loaders,
    /** Forgets everything read so far: mutations call it so that their result shows the change. */
    clearAll(): void {
      for (const loader of Object.values(loaders)) loader.clearAll();
    },
  };
}

export type ClientLoaders = ReturnType<typeof createClientLoaders>;
