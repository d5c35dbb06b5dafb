import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { OutboxDispatcher } from '../events/dispatcher.js';
import { positionOf, type DomainEvent, type Position } from '../events/outbox.js';
import { FinancingTopic } from '../financing/financing.events.js';
import { parseShipmentUpdated, SHIPMENT_UPDATED } from '../logistics/shipment.events.js';
import { ALERT_RULE_TOPICS, applyAlertRules, type AlertThresholds } from './alert.rules.js';
import { AssessmentTrigger } from './risk.enums.js';
import { RiskTopic } from './risk.events.js';
import { RiskService } from './risk.service.js';

/** The consumer name under which the position is kept in `outbox_consumer`. */
export const RISK_CONSUMER = 'risk.reactions';
/** Shipment statuses that make a shipment update an exception worth a re-assessment. */
const EXCEPTION_STATUSES = new Set(['EXCEPTION', 'DELIVERY_FAILED', 'RETURNING', 'RETURNED']);
const RETRY_MS = 1000;

/** What an event asks of the reaction: which client to re-assess and why; null when nothing. */
export function reassessmentOf(e: DomainEvent): { clientId: string; trigger: AssessmentTrigger } | null {
  const clientId = typeof e.payload.clientId === 'string' ? e.payload.clientId : null;
  if (!clientId) return null;
  if (e.topic === RiskTopic.STATEMENT_ADDED) return { clientId, trigger: AssessmentTrigger.STATEMENT_ADDED };
  if (e.topic === FinancingTopic.BUCKET_CHANGED) return { clientId, trigger: AssessmentTrigger.BUCKET_CHANGED };
  if (e.topic === SHIPMENT_UPDATED) {
    const p = parseShipmentUpdated(e.payload);
    if (EXCEPTION_STATUSES.has(p.status) && (p.statusChanged || p.reasonChanged)) return { clientId, trigger: AssessmentTrigger.SHIPMENT_EXCEPTION };
  }
  return null;
}

/** Whether the risk reactions act on an event at all. */
export function concernsRisk(e: DomainEvent): boolean {
  return ALERT_RULE_TOPICS.has(e.topic) || reassessmentOf(e) !== null;
}

/**
 * The risk domain's reactions to outbox events, in commit order: re-assesses a client when its
 * inputs change (a new statement, a bucket change, a shipment exception — and, for the latter,
 * the logistics providers that carry for the client), and applies the early-warning rules
 * (`applyAlertRules`).
 *
 * Its position in the outbox is persisted (`outbox_consumer`) and advanced in the same
 * transaction as the assessments an event causes: after a restart it resumes where it stopped
 * (the dispatcher replays from the table), and hubs sharing a database act on each event once —
 * the guarded upsert makes the second one skip it.
 */
export class RiskReaction {
  private stream: AsyncIterableIterator<DomainEvent> | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly dispatcher: OutboxDispatcher,
    private readonly log: Logger,
    private readonly thresholds: AlertThresholds,
  ) {}

  async start(): Promise<void> {
    // First start on a database: begin at the newest event, as the dispatcher does.
    await this.orm.em.fork().getConnection().execute(
      `insert into outbox_consumer (name, txid, seq)
       select ?, coalesce((select txid from outbox_event order by txid desc, seq desc limit 1), '0'::xid8),
                 coalesce((select seq from outbox_event order by txid desc, seq desc limit 1), 0)
       on conflict (name) do nothing`,
      [RISK_CONSUMER],
    );
    const after = await this.storedPosition();
    this.running = this.loop(after);
  }

  private async loop(after: Position | null): Promise<void> {
    let from = after;
    while (!this.stopped) {
      try {
        this.stream = this.dispatcher.stream(concernsRisk, from, { internal: true });
        for await (const e of this.stream) {
          await this.handle(e);
          from = positionOf(e);
        }
        return; // the dispatcher stopped
      } catch (err) {
        if (this.stopped) return;
        // Fell behind, or the database failed: resume from what was committed.
        this.log.warn({ err }, 'risk reactions failed; resuming from their stored position');
        await new Promise((r) => setTimeout(r, RETRY_MS));
        from = (await this.storedPosition().catch(() => from)) ?? from;
      }
    }
  }

  /** Acts on one event unless it was acted on already; returns whether it did. */
  async handle(e: DomainEvent): Promise<boolean> {
    if (!concernsRisk(e)) return false;
    return this.orm.em.fork().transactional(async (tem) => {
      if (!(await this.advance(tem, positionOf(e)))) return false;
      await applyAlertRules(tem, e, this.thresholds);
      const what = reassessmentOf(e);
      if (!what) return true;
      const clients = [what.clientId];
      if (what.trigger === AssessmentTrigger.SHIPMENT_EXCEPTION) {
        const carriers = await tem
          .getConnection()
          .execute<{ id: string }[]>(
            `select counterparty_id as id from supply_chain_link where core_enterprise_id = ? and role = 'LOGISTICS_PROVIDER' order by counterparty_id`,
            [what.clientId],
            'all',
            tem.getTransactionContext(),
          );
        clients.push(...carriers.map((c) => c.id));
      }
      const risk = new RiskService(tem);
      for (const clientId of clients) {
        const exists = await tem.getConnection().execute<{ n: number }[]>('select 1 as n from client where id = ?', [clientId], 'all', tem.getTransactionContext());
        if (exists.length) await risk.assessIn(tem, clientId, { trigger: what.trigger, by: 'risk reactions' });
      }
      return true;
    });
  }

  /** Moves the stored position to `p` if it is behind; false when `p` was consumed already. */
  private async advance(tem: EntityManager, p: Position): Promise<boolean> {
    const rows = await tem.getConnection().execute<{ name: string }[]>(
      `insert into outbox_consumer (name, txid, seq) values (?, ?::xid8, ?)
       on conflict (name) do update set txid = excluded.txid, seq = excluded.seq, updated_at = now()
        where (outbox_consumer.txid, outbox_consumer.seq) < (excluded.txid, excluded.seq)
       returning name`,
      [RISK_CONSUMER, p.txid.toString(), p.seq.toString()],
      'all',
      tem.getTransactionContext(),
    );
    return rows.length > 0;
  }

  private async storedPosition(): Promise<Position | null> {
    const rows = await this.orm.em
      .fork()
      .getConnection()
      .execute<{ txid: string; seq: string }[]>(`select txid::text as txid, seq::text as seq from outbox_consumer where name = ?`, [RISK_CONSUMER]);
    const row = rows[0];
    return row ? { txid: BigInt(row.txid), seq: BigInt(row.seq) } : null;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.stream?.return?.();
    await this.running;
  }
}
