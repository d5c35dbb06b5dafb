import type { EntityManager } from '@mikro-orm/postgresql';
import { Field, Int, ObjectType } from 'type-graphql';
import { Client } from '../clients/client.entity.js';
import { ClientKind, type ClientStatus } from '../clients/client.enums.js';
import { isUnderReview, REVIEW_CADENCE_MONTHS } from '../clients/review-schedule.js';
import { ExposureService } from '../financing/exposure.service.js';
import { UTILIZING_STATUSES } from '../financing/financing.enums.js';
import { businessDate, sum } from '../financing/financing.rules.js';
import { TERMINAL_STATUSES } from '../logistics/tracking.js';
import type { AlertThresholds } from './alert.rules.js';
import { AlertKind, SEVERITY_RANK, Severity } from './alert.enums.js';
import { AlertService, type AlertSignal } from './alert.service.js';
import { EXCEPTION_STATUS_LIST, IS_EXCEPTION_SQL, OPERATIONAL_WINDOW_DAYS } from './operational.js';
import { sqlRows } from '../db/sql.js';

const DAY_MS = 86_400_000;
/** The client statuses that have periodic reviews. */
const REVIEWED_STATUSES = Object.keys(REVIEW_CADENCE_MONTHS);
const TERMINAL = [...TERMINAL_STATUSES];
/** Alerts one scan transaction changes at most (see `RiskScanService`). */
const CHUNK = 100;

/**
 * What a rule finds about one subject: the alert it calls for, or — for a subject with an open
 * alert whose condition no longer holds — the note that resolves it.
 */
export interface Finding {
  subjectId: string;
  clientId: string;
  signal: Omit<AlertSignal, 'kind' | 'subjectType' | 'subjectId' | 'clientId'> | null;
  clearedNote: string;
}

/**
 * A condition-based rule: evaluated by the scheduled scan over everything (scope null) and by the
 * outbox reactions over the subjects an event touched. Either way it returns a finding for every
 * subject that meets its condition and every subject in scope with an open alert of its kind.
 */
export interface ConditionRule {
  kind: AlertKind;
  subjectType: AlertSignal['subjectType'];
  evaluate(tem: EntityManager, t: AlertThresholds, now: Date, scope: readonly string[] | null): Promise<Finding[]>;
}

/** `or <column> in (open alerts of kind)`: subjects whose alert may have to be resolved. */
const withOpenAlerts = (column: string) => `${column} in (select subject_id from alert where kind = ? and status <> 'RESOLVED')`;
/** `exists (open alert of kind for <column>) as alerted`, for rules that judge in code which rows matter; one parameter: the kind. */
const alertedColumn = (column: string) => `exists (select 1 from alert a where a.kind = ? and a.subject_id = ${column} and a.status <> 'RESOLVED') as alerted`;
/** `and <column> in (?)` when scoped; the parameter list gets the scope. */
const scoped = (column: string, scope: readonly string[] | null, params: unknown[]) => {
  if (!scope) return '';
  params.push([...scope]);
  return ` and ${column} in (?)`;
};

const pct = (x: number) => `${(Math.round(x * 1000) / 10).toFixed(1)}%`;
const dateOf = (d: Date) => d.toISOString().slice(0, 10);

/** SHIPMENT_DELAYED: past its expected delivery and not delivered (nor otherwise finished). */
export const shipmentDelayed: ConditionRule = {
  kind: AlertKind.SHIPMENT_DELAYED,
  subjectType: 'SHIPMENT',
  async evaluate(tem, t, now, scope) {
    const params: unknown[] = [now, TERMINAL, AlertKind.SHIPMENT_DELAYED];
    const rows = await sqlRows<{ id: string; client_id: string; tracking_number: string; partner: string; status: string; expected: Date | null; status_at: Date | null }>(
      tem,
      `select s.id, s.client_id, s.tracking_number, p.code as partner, s.status, s.expected_delivery_at as expected, s.status_at
         from shipment s join logistics_partner p on p.id = s.partner_id
        where ((s.expected_delivery_at < ? and s.status not in (?)) or ${withOpenAlerts('s.id')})${scoped('s.id', scope, params)}
        order by s.id`,
      params,
    );
    return rows.map((r) => {
      const expected = r.expected ? new Date(r.expected) : null;
      const late = expected !== null && expected < now && !TERMINAL_STATUSES.has(r.status as never);
      const days = expected ? Math.floor((now.getTime() - expected.getTime()) / DAY_MS) : 0;
      const what = `shipment ${r.tracking_number} (${r.partner})`;
      return {
        subjectId: r.id,
        clientId: r.client_id,
        signal: late
          ? {
              severity: days >= t.delayCriticalDays ? Severity.CRITICAL : Severity.WARNING,
              message: `${what} is ${days >= 1 ? `${days} day${days === 1 ? '' : 's'}` : 'less than a day'} past its expected delivery (${dateOf(expected!)}) and is ${r.status}`,
            }
          : null,
        clearedNote: TERMINAL_STATUSES.has(r.status as never)
          ? `${what} is ${r.status}${r.status_at ? ` since ${new Date(r.status_at).toISOString()}` : ''}`
          : `${what} is no longer late: expected ${expected ? dateOf(expected) : 'on no set date'}`,
      };
    });
  },
};

/** COMPLAINT_UNRESOLVED: a complaint still open `complaintDays` after it was submitted. */
export const complaintUnresolved: ConditionRule = {
  kind: AlertKind.COMPLAINT_UNRESOLVED,
  subjectType: 'COMPLAINT',
  async evaluate(tem, t, now, scope) {
    const since = new Date(now.getTime() - t.complaintDays * DAY_MS);
    const params: unknown[] = [since, AlertKind.COMPLAINT_UNRESOLVED];
    const rows = await sqlRows<{ id: string; client_id: string; category: string | null; status: string | null; submitted_at: Date }>(
      tem,
      `select f.id, f.client_id, f.category, f.status, f.submitted_at
         from feedback f
        where ((f.kind = 'COMPLAINT' and f.status in ('OPEN', 'IN_PROGRESS') and f.submitted_at <= ?) or ${withOpenAlerts('f.id')})${scoped('f.id', scope, params)}
        order by f.id`,
      params,
    );
    return rows.map((r) => {
      const age = Math.floor((now.getTime() - new Date(r.submitted_at).getTime()) / DAY_MS);
      const open = (r.status === 'OPEN' || r.status === 'IN_PROGRESS') && age >= t.complaintDays;
      const what = `${r.category ? `${r.category.toLowerCase().replace(/_/g, ' ')} ` : ''}complaint of ${dateOf(new Date(r.submitted_at))}`;
      return {
        subjectId: r.id,
        clientId: r.client_id,
        signal: open
          ? { severity: age >= 2 * t.complaintDays ? Severity.CRITICAL : Severity.WARNING, message: `${what} is still ${r.status} after ${age} days` }
          : null,
        clearedNote: r.status === 'RESOLVED' ? `${what} was resolved` : `${what} is ${r.status ?? 'no longer a complaint'}`,
      };
    });
  },
};

/** CARRIER_SAFETY: a logistics provider whose carried shipments have a high exception rate. */
export const carrierSafety: ConditionRule = {
  kind: AlertKind.CARRIER_SAFETY,
  subjectType: 'CLIENT',
  async evaluate(tem, t, now, scope) {
    const since = new Date(now.getTime() - OPERATIONAL_WINDOW_DAYS * DAY_MS);
    const params: unknown[] = [EXCEPTION_STATUS_LIST, AlertKind.CARRIER_SAFETY, since, ClientKind.LOGISTICS_PROVIDER];
    const where = scoped('c.id', scope, params);
    const rows = await sqlRows<{ id: string; name: string; shipments: number; exceptions: number; alerted: boolean }>(
      tem,
      `select c.id, c.name, count(s.id)::int as shipments, count(s.id) filter (where ${IS_EXCEPTION_SQL})::int as exceptions,
              ${alertedColumn('c.id')}
         from client c
         left join supply_chain_link l on l.counterparty_id = c.id and l.role = 'LOGISTICS_PROVIDER'
         left join shipment s on s.client_id = l.core_enterprise_id and s.created_at >= ?
        where c.kind = ?${where}
        group by c.id, c.name
        order by c.id`,
      params,
    );
    const out: Finding[] = [];
    for (const r of rows) {
      const rate = r.shipments ? r.exceptions / r.shipments : 0;
      const unsafe = r.shipments >= t.carrierMinShipments && rate >= t.carrierExceptionRate;
      if (!unsafe && !r.alerted) continue;
      const stats = `${r.exceptions} exceptions in ${r.shipments} shipments carried over the last ${OPERATIONAL_WINDOW_DAYS} days (${pct(rate)})`;
      out.push({
        subjectId: r.id,
        clientId: r.id,
        signal: unsafe
          ? {
              severity: rate >= Math.min(1, 2 * t.carrierExceptionRate) ? Severity.CRITICAL : Severity.WARNING,
              message: `${r.name}: ${stats}, at or above the ${pct(t.carrierExceptionRate)} threshold`,
            }
          : null,
        clearedNote: `${r.name}: ${stats}, below the ${pct(t.carrierExceptionRate)} threshold`,
      });
    }
    return out;
  },
};

/**
 * CONCENTRATION: one counterparty carries at least `concentrationShare` of a client's exposure —
 * for a core enterprise one member of its chain (when the chain has more than one), for anyone
 * else one debtor of its financed receivables. The same measure the concentration dimension scores.
 */
export const concentration: ConditionRule = {
  kind: AlertKind.CONCENTRATION,
  subjectType: 'CLIENT',
  async evaluate(tem, t, _now, scope) {
    const params: unknown[] = [AlertKind.CONCENTRATION, [...UTILIZING_STATUSES], [...UTILIZING_STATUSES], AlertKind.CONCENTRATION];
    // Clients with exposure (their own deals, or their chain's), and those with an open alert.
    const candidates = await sqlRows<{ id: string; kind: ClientKind; name: string; alerted: boolean }>(
      tem,
      `select c.id, c.kind, c.name, ${alertedColumn('c.id')} from client c
        where (c.id in (select client_id from financing where status in (?))
           or c.id in (select l.core_enterprise_id from supply_chain_link l join financing f on f.client_id = l.counterparty_id where f.status in (?))
           or ${withOpenAlerts('c.id')})${scoped('c.id', scope, params)}
        order by c.id`,
      params,
    );
    if (!candidates.length) return [];
    const exposure = new ExposureService(tem);
    const cores = candidates.filter((c) => c.kind === ClientKind.CORE_ENTERPRISE).map((c) => c.id);
    const others = candidates.filter((c) => c.kind !== ClientKind.CORE_ENTERPRISE).map((c) => c.id);
    const [chains, debtors] = await Promise.all([exposure.chainsOf(cores), exposure.debtorsOf(others)]);
    const top = new Map<string, { counterpartyId: string; share: number; verb: string; what: string }>();
    for (const [id, chain] of chains) {
      const m = chain.members[0];
      if (m && chain.members.length > 1) {
        top.set(id, { counterpartyId: m.clientId, share: m.share.toNumber(), verb: 'carries', what: `of the exposure across its supply chain (${m.exposure.toFixed(2)} of ${chain.total.toFixed(2)})` });
      }
    }
    for (const [id, list] of debtors) {
      const d = list[0];
      const total = sum(list.map((x) => x.amount));
      if (d) top.set(id, { counterpartyId: d.debtorId, share: d.share.toNumber(), verb: 'owes', what: `of its financed receivables (${d.amount.toFixed(2)} of ${total.toFixed(2)})` });
    }
    const ids = [...new Set([...top.values()].map((v) => v.counterpartyId))];
    const names = new Map(
      ids.length ? (await sqlRows<{ id: string; name: string }>(tem, 'select id, name from client where id in (?)', [ids])).map((r) => [r.id, r.name]) : [],
    );
    const out: Finding[] = [];
    for (const c of candidates) {
      const m = top.get(c.id);
      const concentrated = m !== undefined && m.share >= t.concentrationShare;
      if (!concentrated && !c.alerted) continue;
      const who = m ? (names.get(m.counterpartyId) ?? m.counterpartyId) : null;
      out.push({
        subjectId: c.id,
        clientId: c.id,
        signal: concentrated
          ? {
              severity: m.share >= 0.9 && t.concentrationShare < 0.9 ? Severity.CRITICAL : Severity.WARNING,
              message: `${who} ${m.verb} ${pct(m.share)} ${m.what}, at or above the ${pct(t.concentrationShare)} threshold`,
            }
          : null,
        clearedNote: m ? `largest counterparty ${who} is down to ${pct(m.share)}` : 'no concentrated exposure left',
      });
    }
    return out;
  },
};

/** REVIEW_DUE: an ACTIVE or WATCHLIST client whose next review date has come. */
export const reviewDue: ConditionRule = {
  kind: AlertKind.REVIEW_DUE,
  subjectType: 'CLIENT',
  async evaluate(tem, t, now, scope) {
    const today = businessDate(now);
    const params: unknown[] = [REVIEWED_STATUSES, today, AlertKind.REVIEW_DUE];
    const rows = await sqlRows<{ id: string; name: string; status: ClientStatus; next: string | null }>(
      tem,
      `select c.id, c.name, c.status, to_char(c.next_review_on, 'YYYY-MM-DD') as next from client c
        where ((c.status in (?) and c.next_review_on <= ?) or ${withOpenAlerts('c.id')})${scoped('c.id', scope, params)}
        order by c.id`,
      params,
    );
    return rows.map((r) => {
      const due = isUnderReview(r.status) && r.next !== null && r.next <= today;
      const overdue = due ? Math.round((Date.parse(today) - Date.parse(r.next!)) / DAY_MS) : 0;
      return {
        subjectId: r.id,
        clientId: r.id,
        signal: due
          ? {
              severity: overdue >= t.reviewCriticalDays ? Severity.CRITICAL : Severity.WARNING,
              message: `risk review of ${r.name} was due on ${r.next}${overdue ? ` (${overdue} days overdue)` : ''}`,
            }
          : null,
        clearedNote: !isUnderReview(r.status) ? `${r.name} is ${r.status}: no reviews due` : `next review of ${r.name} is on ${r.next ?? 'no date'}`,
      };
    });
  },
};

/** The rules the scheduled scan runs, in this order. */
export const CONDITION_RULES: readonly ConditionRule[] = [shipmentDelayed, concentration, reviewDue, complaintUnresolved, carrierSafety];

export interface RuleOutcome {
  raised: number;
  escalated: number;
  resolved: number;
}

/**
 * The findings of `rule` that call for a change: those whose subject has no open alert at their
 * severity or worse (a raise or an escalation), and those that resolve an open alert. The open
 * alerts are read in one statement per 5 000 subjects, so a scan that changes nothing costs a
 * few statements, not a few per subject.
 */
async function changesOf(em: EntityManager, rule: ConditionRule, t: AlertThresholds, now: Date, scope: readonly string[] | null): Promise<Finding[]> {
  const findings = await rule.evaluate(em, t, now, scope);
  const subjects = findings.filter((f) => f.signal).map((f) => f.subjectId);
  const current = new Map<string, Severity>();
  for (let i = 0; i < subjects.length; i += 5000) {
    const rows = await sqlRows<{ subject_id: string; severity: Severity }>(
      em,
      `select subject_id, severity from alert where kind = ? and status <> 'RESOLVED' and subject_id in (?)`,
      [rule.kind, subjects.slice(i, i + 5000)],
    );
    for (const r of rows) current.set(r.subject_id, r.severity);
  }
  return findings.filter((f) => {
    const open = current.get(f.subjectId);
    return !(f.signal && open && SEVERITY_RANK[open] >= SEVERITY_RANK[f.signal.severity]);
  });
}

/** Raises, escalates or resolves alerts for `findings`, in the caller's transaction. */
async function act(tem: EntityManager, rule: ConditionRule, findings: readonly Finding[], out: RuleOutcome): Promise<void> {
  const alerts = new AlertService(tem);
  // The clients of new alerts, in one read (raising finds them in the identity map).
  const raising = [...new Set(findings.filter((f) => f.signal).map((f) => f.clientId))];
  if (raising.length > 1) await tem.find(Client, { id: { $in: raising } });
  for (const f of findings) {
    if (f.signal) {
      const change = await alerts.raise(tem, { ...f.signal, kind: rule.kind, subjectType: rule.subjectType, subjectId: f.subjectId, clientId: f.clientId });
      if (change === 'RAISED') out.raised++;
      else if (change === 'ESCALATED') out.escalated++;
    } else if (await alerts.clear(tem, rule.kind, f.subjectId, f.clearedNote)) {
      out.resolved++;
    }
  }
}

/** Brings the alerts of `rule` for the subjects in `scope` in line with its findings, in the caller's transaction. */
export async function applyConditionRule(
  tem: EntityManager,
  rule: ConditionRule,
  t: AlertThresholds,
  now: Date,
  scope: readonly string[],
): Promise<RuleOutcome> {
  const out: RuleOutcome = { raised: 0, escalated: 0, resolved: 0 };
  if (!scope.length) return out;
  await act(tem, rule, await changesOf(tem, rule, t, now, scope), out);
  return out;
}

@ObjectType({ description: "One rule's part of an early-warning scan" })
export class RuleScanResult {
  @Field(() => AlertKind)
  kind!: AlertKind;

  @Field(() => Int)
  raised!: number;

  @Field(() => Int)
  escalated!: number;

  @Field(() => Int, { description: 'Alerts whose condition no longer holds, resolved with a note' })
  resolved!: number;

  @Field(() => String, { nullable: true, description: 'Why this rule failed (it changed nothing; the other rules ran)' })
  error?: string | null;
}

@ObjectType({ description: 'What an early-warning scan changed' })
export class RiskScanResult {
  @Field(() => Date)
  at!: Date;

  @Field(() => [RuleScanResult])
  rules!: RuleScanResult[];
}

/**
 * The scheduled early-warning scan: every condition rule over everything. A rule reads its
 * findings, then writes its changes in short transactions of `CHUNK` alerts each — a long
 * writing transaction would hold back the outbox delivery of every hub on the cluster (the
 * dispatcher reads below the oldest one). The per-subject lock in `AlertService` keeps a scan and
 * the outbox reactions (or another hub's scan) from raising the same alert twice; the scan is
 * idempotent, so whoever comes second finds nothing to change. A rule that fails is reported and
 * the others still run.
 */
export class RiskScanService {
  constructor(private readonly em: EntityManager) {}

  async scan(t: AlertThresholds, now = new Date()): Promise<RiskScanResult> {
    const rules: RuleScanResult[] = [];
    for (const rule of CONDITION_RULES) {
      const out: RuleOutcome = { raised: 0, escalated: 0, resolved: 0 };
      try {
        const changes = await changesOf(this.em.fork(), rule, t, now, null);
        for (let i = 0; i < changes.length; i += CHUNK) {
          await this.em.fork().transactional((tem) => act(tem, rule, changes.slice(i, i + CHUNK), out));
        }
        rules.push({ kind: rule.kind, ...out, error: null });
      } catch (err) {
        rules.push({ kind: rule.kind, ...out, error: err instanceof Error ? err.message : String(err) });
      }
    }
    return { at: now, rules };
  }
}
