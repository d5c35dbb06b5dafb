import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from '../src/clients/client.entity.js';
import { ClientKind, ClientStatus, ComplaintCategory, ComplaintStatus, FeedbackKind, Industry, InteractionKind, SupplyChainRole } from '../src/clients/client.enums.js';
import { Contact } from '../src/clients/contact.entity.js';
import { Feedback } from '../src/clients/feedback.entity.js';
import { Interaction } from '../src/clients/interaction.entity.js';
import { SupplyChainLink } from '../src/clients/supply-chain-link.entity.js';
import { usccFromNumber } from '../src/clients/uscc.js';
import { CreditLine, CreditLineChange } from '../src/financing/credit-line.entity.js';
import { CreditLineChangeKind, FinancingAction, FinancingStatus, LedgerEntryKind, ProductKind } from '../src/financing/financing.enums.js';
import { Financing, FinancingTransition, Receivable, Repayment, ScheduleInstalment } from '../src/financing/financing.entity.js';
import { businessDate } from '../src/financing/financing.rules.js';
import { LedgerEntry } from '../src/financing/ledger-entry.entity.js';
import { Alert } from '../src/risk/alert.entity.js';
import { AlertKind, Severity } from '../src/risk/alert.enums.js';
import { RiskAssessment } from '../src/risk/risk-assessment.entity.js';
import { RiskReview } from '../src/risk/risk-review.entity.js';
import { AssessmentTrigger, ReviewOutcome } from '../src/risk/risk.enums.js';
import { Tier } from '../src/risk/scoring.js';
import { startTestHub, type TestHub } from './helpers/hub.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.close();
});

const DAY = 86_400_000;
/** ACTIVE clients have a next review date (`client_next_review_chk`). */
const NEXT_REVIEW = businessDate(new Date(Date.now() + 90 * DAY));

/**
 * Statements the hub sends while `fn` runs, leaving out the outbox dispatcher's background
 * reads: those follow its poll timer and commits, not the request, and would make equal
 * workloads count differently from run to run.
 */
async function countStatements<T>(fn: () => Promise<T>): Promise<{ result: T; count: number; sql: string[] }> {
  const sql: string[] = [];
  const knex = hub.orm.em.getConnection().getKnex();
  const listener = (q: { sql: string }) => {
    // The outbox dispatcher's polls follow its timer; the viewer's key lookup is cached per key
    // (the first request of a key reads it, the next ones within a second do not): neither is the page's.
    if (!/\bfrom outbox_event\b|\bfrom "api_key"/.test(q.sql)) sql.push(q.sql);
  };
  knex.on('query', listener);
  try {
    const result = await fn();
    return { result, count: sql.length, sql };
  } finally {
    knex.off('query', listener);
  }
}

/**
 * A portfolio of `n` clients under one relationship manager, written straight through the ORM
 * (this file measures reads, not writes): every fifth client is a core enterprise with the
 * next four as its suppliers; each client has two contacts, four interactions (one with an
 * open, overdue follow-up) and a survey plus a complaint.
 */
async function arrangePortfolio(rm: string, n: number, codeBase: number): Promise<Client[]> {
  return hub.orm.em.fork().transactional(async (em: EntityManager) => {
    const clients: Client[] = [];
    let core: Client | null = null;
    for (let i = 0; i < n; i++) {
      const isCore = i % 5 === 0;
      const client = em.create(Client, {
        name: `${rm} client ${String(i).padStart(3, '0')}`,
        kind: isCore ? ClientKind.CORE_ENTERPRISE : ClientKind.SUPPLIER,
        industry: Industry.HOME_APPLIANCES,
        unifiedSocialCreditCode: usccFromNumber(codeBase + i),
        status: ClientStatus.ACTIVE,
        nextReviewOn: NEXT_REVIEW,
        relationshipManager: rm,
        lastContactAt: new Date(Date.now() - 201 * DAY),
      });
      if (isCore) core = client;
      else if (core) em.create(SupplyChainLink, { coreEnterprise: core, counterparty: client, role: SupplyChainRole.SUPPLIER });
      for (const name of ['Chen Jie', 'Liu Yang']) em.create(Contact, { client, name, primary: name === 'Chen Jie' });
      for (let d = 1; d <= 4; d++) {
        em.create(Interaction, {
          client,
          kind: InteractionKind.CALL,
          occurredAt: new Date(Date.now() - (200 + d) * DAY),
          summary: `call ${d}`,
          followUpDueAt: d === 1 ? new Date(Date.now() - 190 * DAY) : null,
        });
      }
      em.create(Feedback, { client, kind: FeedbackKind.SURVEY, score: 8 });
      em.create(Feedback, { client, kind: FeedbackKind.COMPLAINT, category: ComplaintCategory.PRICING, body: 'fees', status: ComplaintStatus.OPEN });
      clients.push(client);
    }
    return clients;
  });
}

const PAGE = `query($first: Int!, $rm: String!) {
  clients(first: $first, filter: { relationshipManager: $rm }) {
    totalCount
    edges { node {
      id name
      suppliers { name }
      coreEnterprises { name }
      contacts { name }
      interactions(first: 3) { totalCount edges { node { summary } } }
      feedback { score }
    } }
  }
}`;

interface PageData {
  clients: {
    totalCount: number;
    edges: {
      node: {
        name: string;
        suppliers: { name: string }[];
        coreEnterprises: { name: string }[];
        contacts: { name: string }[];
        interactions: { totalCount: number; edges: { node: { summary: string } }[] };
        feedback: { score: number | null }[];
      };
    }[];
  };
}

describe('statements per page of clients', () => {
  it('are the same for 5 and for 100 clients with nested relations, and few', async () => {
    const rm = `RM ${randomUUID().slice(0, 8)}`;
    await arrangePortfolio(rm, 120, 500_000);

    const small = await countStatements(() => hub.ok<PageData>(PAGE, { first: 5, rm }));
    const large = await countStatements(() => hub.ok<PageData>(PAGE, { first: 100, rm }));

    // The answers are complete, not just cheap.
    expect(small.result.clients.edges).toHaveLength(5);
    expect(large.result.clients.edges).toHaveLength(100);
    expect(large.result.clients.totalCount).toBe(120);
    const [core, supplier] = large.result.clients.edges.map((e) => e.node);
    expect(core!.suppliers).toHaveLength(4);
    expect(core!.coreEnterprises).toEqual([]);
    expect(supplier!.coreEnterprises).toEqual([{ name: core!.name }]);
    for (const { node } of large.result.clients.edges) {
      expect(node.contacts.map((c) => c.name)).toEqual(['Chen Jie', 'Liu Yang']);
      expect(node.interactions.totalCount).toBe(4);
      expect(node.interactions.edges.map((e) => e.node.summary)).toEqual(['call 1', 'call 2', 'call 3']);
      expect(node.feedback).toHaveLength(2);
    }

    console.info(`SQL statements: page of 5 → ${small.count}, page of 100 → ${large.count}`);
    expect(large.count, large.sql.join('\n')).toBe(small.count);
    expect(large.count, large.sql.join('\n')).toBeLessThan(15);
  });

  it('are the same for 5 and for 100 follow-ups with their clients and interactions', async () => {
    const rm = `RM ${randomUUID().slice(0, 8)}`;
    await arrangePortfolio(rm, 60, 600_000);
    const FOLLOW_UPS = `query($first: Int!, $rm: String!) {
      followUps(first: $first, filter: { relationshipManager: $rm }) {
        totalCount edges { node { kind dueAt reason client { name contacts { name } } interaction { summary } } }
      } }`;
    type Data = { followUps: { totalCount: number; edges: { node: { kind: string } }[] } };
    const small = await countStatements(() => hub.ok<Data>(FOLLOW_UPS, { first: 5, rm }));
    const large = await countStatements(() => hub.ok<Data>(FOLLOW_UPS, { first: 100, rm }));
    // 60 explicit follow-ups and 60 clients overdue by cadence.
    expect(large.result.followUps.totalCount).toBe(120);
    expect(large.result.followUps.edges).toHaveLength(100);
    expect(new Set(large.result.followUps.edges.map((e) => e.node.kind))).toEqual(new Set(['EXPLICIT', 'CADENCE']));
    expect(large.count, large.sql.join('\n')).toBe(small.count);
    expect(large.count, large.sql.join('\n')).toBeLessThan(10);
  });
});

/**
 * Gives each client a credit line and a disbursed receivables-factoring deal (receivable owed by
 * a debtor outside the page, so every page size batches the same relations), a schedule, a
 * repayment, history and ledger entries, through the ORM.
 */
async function arrangeFinancing(clients: Client[], codeBase: number): Promise<void> {
  await hub.orm.em.fork().transactional(async (em: EntityManager) => {
    const core = em.create(Client, {
      name: `Debtor ${codeBase}`,
      kind: ClientKind.CORE_ENTERPRISE,
      industry: Industry.HOME_APPLIANCES,
      unifiedSocialCreditCode: usccFromNumber(codeBase),
      status: ClientStatus.ACTIVE,
      nextReviewOn: NEXT_REVIEW,
    });
    for (const [i, c] of clients.entries()) {
      const client = em.getReference(Client, c.id);
      const line = em.create(CreditLine, { client, limit: '1000000.00', expiresAt: new Date(Date.now() + 365 * DAY) });
      em.create(CreditLineChange, { creditLine: line, kind: CreditLineChangeKind.OPENED, newLimit: '1000000.00', actorName: 'test' });
      const disbursedAt = new Date(Date.now() - 40 * DAY);
      const f = em.create(Financing, {
        client,
        creditLine: line,
        product: ProductKind.RECEIVABLES_FACTORING,
        status: FinancingStatus.DISBURSED,
        amount: '300000.00',
        annualRate: '0.06',
        tenorDays: 30,
        contractDate: businessDate(disbursedAt),
        disbursedAt,
        maturityDate: businessDate(new Date(Date.now() - 10 * DAY)),
        outstandingPrincipal: '200000.00',
        scheduleVersion: 1,
      });
      em.create(Receivable, { financing: f, invoiceNumber: `INV-${i}`, debtor: core, amount: '400000.00', dueDate: '2030-01-01' });
      em.create(ScheduleInstalment, {
        financing: f,
        version: 1,
        seq: 1,
        dueDate: f.maturityDate!,
        principal: '300000.00',
        effectiveFrom: f.contractDate,
        principalPaidBefore: '0.00',
      });
      em.create(Repayment, { financing: f, amount: '100500.00', interest: '500.00', principal: '100000.00', paidAt: new Date(Date.now() - 20 * DAY), recordedBy: 'test' });
      em.create(FinancingTransition, { financing: f, action: FinancingAction.SUBMITTED, toStatus: FinancingStatus.SUBMITTED, actorName: 'test' });
      em.create(LedgerEntry, { client, financing: f, kind: LedgerEntryKind.DISBURSEMENT, amount: '300000.00', currency: 'CNY', description: 'd', occurredAt: disbursedAt });
    }
  });
}

describe('statements per page of financing', () => {
  it('are the same for 5 and for 100 clients with credit lines, deals and ledger', async () => {
    const rm = `RM ${randomUUID().slice(0, 8)}`;
    const clients = await arrangePortfolio(rm, 110, 700_000);
    await arrangeFinancing(clients, 790_000);
    const PAGE = `query($first: Int!, $rm: String!) {
      clients(first: $first, filter: { relationshipManager: $rm }) {
        edges { node {
          name
          creditLines { limit utilized available status history { kind } }
          financings { status outstanding daysPastDue delinquencyBucket receivables { debtor { name } } }
          transactions { kind amount }
          debtorExposure { debtor { name } amount share }
          chainExposure { total members { client { name } exposure } }
        } }
      } }`;
    type Data = {
      clients: {
        edges: {
          node: {
            creditLines: { available: string }[];
            financings: { outstanding: string; daysPastDue: number; receivables: { debtor: { name: string } }[] }[];
            transactions: unknown[];
            debtorExposure: { debtor: { name: string }; amount: string; share: string }[];
            chainExposure: { total: string; members: unknown[] } | null;
          };
        }[];
      };
    };
    const small = await countStatements(() => hub.ok<Data>(PAGE, { first: 5, rm }));
    const large = await countStatements(() => hub.ok<Data>(PAGE, { first: 100, rm }));
    expect(large.result.clients.edges).toHaveLength(100);
    for (const { node } of large.result.clients.edges) {
      expect(node.creditLines).toEqual([{ limit: '1000000.00', utilized: '200000.00', available: '800000.00', status: 'ACTIVE', history: [{ kind: 'OPENED' }] }]);
      expect(node.financings).toHaveLength(1);
      expect(node.financings[0]).toMatchObject({ outstanding: '200000.00', daysPastDue: 10 });
      expect(node.transactions).toHaveLength(1);
      expect(node.debtorExposure).toEqual([{ debtor: { name: 'Debtor 790000' }, amount: '400000.00', share: '1.00' }]);
    }
    // Every fifth client is a core enterprise with four suppliers, each carrying 200 000 outstanding.
    const core = large.result.clients.edges[0]!.node;
    expect(core.chainExposure?.total).toBe('1000000.00');
    expect(core.chainExposure?.members).toHaveLength(5);
    expect(large.result.clients.edges[1]!.node.chainExposure).toBeNull();
    console.info(`SQL statements, clients with financing: page of 5 → ${small.count}, page of 100 → ${large.count}`);
    expect(large.count, large.sql.join('\n')).toBe(small.count);
    expect(large.count, large.sql.join('\n')).toBeLessThan(20);
  });

  it('are the same for 5 and for 100 deals in financings(filter) with their relations', async () => {
    const rm = `RM ${randomUUID().slice(0, 8)}`;
    const clients = await arrangePortfolio(rm, 110, 800_000);
    await arrangeFinancing(clients, 890_000);
    const clientIds = clients.map((c) => c.id);
    const LIST = `query($first: Int!, $clientIds: [ID!]) {
      financings(first: $first, filter: { clientIds: $clientIds, statuses: [DISBURSED] }) {
        totalCount
        edges { node {
          status amount outstanding accruedInterest daysPastDue delinquencyBucket
          client { name } creditLine { available } anchorClient { name }
          receivables { invoiceNumber debtor { name } } schedule { dueDate } repayments { amount } history { action } bucketHistory { toBucket }
        } }
      } }`;
    type Data = { financings: { totalCount: number; edges: { node: { client: { name: string }; creditLine: { available: string }; receivables: unknown[] } }[] } };
    const small = await countStatements(() => hub.ok<Data>(LIST, { first: 5, clientIds }));
    const large = await countStatements(() => hub.ok<Data>(LIST, { first: 100, clientIds }));
    expect(large.result.financings.totalCount).toBe(110);
    expect(large.result.financings.edges).toHaveLength(100);
    for (const { node } of large.result.financings.edges) {
      expect(node.creditLine.available).toBe('800000.00');
      expect(node.receivables).toHaveLength(1);
    }
    console.info(`SQL statements, financings(filter): page of 5 → ${small.count}, page of 100 → ${large.count}`);
    expect(large.count, large.sql.join('\n')).toBe(small.count);
    expect(large.count, large.sql.join('\n')).toBeLessThan(15);
  });
});

describe('statements per page of alerts', () => {
  it('are the same for 5 and for 100 alerts with their clients, assessments and reviews', async () => {
    const rm = `RM ${randomUUID().slice(0, 8)}`;
    const clients = await arrangePortfolio(rm, 110, 900_000);
    await hub.orm.em.fork().transactional(async (em: EntityManager) => {
      for (const [i, c] of clients.entries()) {
        const client = em.getReference(Client, c.id);
        em.create(RiskAssessment, {
          client,
          score: '61.5',
          tier: Tier.STANDARD,
          modelVersion: 'test',
          trigger: AssessmentTrigger.MANUAL,
          assessedBy: 'test',
          dimensions: [],
          reasons: ['test'],
        });
        em.create(RiskReview, { client, reviewedOn: businessDate(new Date()), outcome: ReviewOutcome.MAINTAIN, note: 'fine', reviewer: 'test', status: ClientStatus.ACTIVE, nextReviewOn: NEXT_REVIEW });
        em.create(Alert, {
          kind: AlertKind.COMPLAINT_UNRESOLVED,
          severity: i % 2 ? Severity.WARNING : Severity.CRITICAL,
          client,
          subjectType: 'COMPLAINT',
          subjectId: randomUUID(),
          message: `complaint ${i}`,
          assignedTo: rm,
        });
      }
    });
    const ALERTS = `query($first: Int!, $rm: String!) {
      alerts(first: $first, filter: { assignedTo: $rm }) {
        totalCount edges { node { kind severity message remediation { action }
          client { name contacts { name } riskAssessment { score tier } riskReviews(last: 1) { outcome } } } }
      } }`;
    type Data = { alerts: { totalCount: number; edges: { node: { client: { name: string; riskAssessment: { tier: string } | null; riskReviews: { outcome: string }[] } } }[] } };
    const small = await countStatements(() => hub.ok<Data>(ALERTS, { first: 5, rm }));
    const large = await countStatements(() => hub.ok<Data>(ALERTS, { first: 100, rm }));
    expect(large.result.alerts.totalCount).toBe(110);
    expect(large.result.alerts.edges).toHaveLength(100);
    for (const { node } of large.result.alerts.edges) {
      expect(node.client.riskAssessment?.tier).toBe('STANDARD');
      expect(node.client.riskReviews).toEqual([{ outcome: 'MAINTAIN' }]);
    }
    console.info(`SQL statements: alerts page of 5 → ${small.count}, page of 100 → ${large.count}`);
    expect(large.count, large.sql.join('\n')).toBe(small.count);
    expect(large.count, large.sql.join('\n')).toBeLessThan(10);
  });
});
