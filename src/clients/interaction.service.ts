import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from './client.entity.js';
import { ClientKind, ClientStatus, type InteractionKind } from './client.enums.js';
import { ClientChange, recordClientChange } from './client.events.js';
import { notInFuture } from './client.validation.js';
import { idArg, requiredText } from '../core/text.js';
import { Interaction } from './interaction.entity.js';
import {
  CONTACT_CADENCE_DAYS,
  FollowUp,
  FollowUpKind,
  type FollowUpFilter,
  type RecordInteractionInput,
} from './interaction.inputs.js';
import type { Viewer } from '../auth/viewer.js';
import { badInput, conflict, notFound } from '../core/errors.js';
import { decodeCursor, encodeCursor, pageSize } from '../core/cursor.js';

const DAY_MS = 86_400_000;

/** `case c.kind when … then <days> … end`, from CONTACT_CADENCE_DAYS (constants, not input). */
const CADENCE_DAYS_SQL = `(case c.kind ${Object.entries(CONTACT_CADENCE_DAYS)
  .map(([kind, days]) => `when '${kind}' then ${days}`)
  .join(' ')} end)`;
const CONTACT_BASIS_SQL = 'coalesce(c.last_contact_at, c.created_at)';
const CADENCE_DUE_SQL = `${CONTACT_BASIS_SQL} + ${CADENCE_DAYS_SQL} * interval '1 day'`;
/** Exact to the microsecond and independent of the session's time zone: the cursor's sort key. */
const isoSql = (expr: string) => `to_char(${expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

interface DueRow {
  kind: FollowUpKind;
  due_iso: string;
  item_id: string;
  client_id: string;
  interaction_id: string | null;
  client_kind: ClientKind;
  basis_iso: string;
  ever_contacted: boolean;
  interaction_kind: InteractionKind | null;
  summary: string | null;
}

export interface FollowUpPage {
  rows: FollowUp[];
  limit: number;
  count(): Promise<number>;
}

export const followUpCursor = (f: FollowUp) => encodeCursor(f.key);

const day = (iso: string) => iso.slice(0, 10);

function reasonOf(r: DueRow, now: Date): string {
  if (r.kind === FollowUpKind.EXPLICIT) {
    const summary = r.summary ?? '';
    return `follow-up promised at the ${r.interaction_kind ?? 'interaction'} of ${day(r.basis_iso)}: ${summary}${summary.length >= 120 ? '…' : ''}`;
  }
  const cadence = r.client_kind === ClientKind.CORE_ENTERPRISE ? 'core enterprises are contacted monthly' : 'clients other than core enterprises are contacted quarterly';
  const days = Math.floor((now.getTime() - new Date(r.basis_iso).getTime()) / DAY_MS);
  return r.ever_contacted
    ? `no contact for ${days} days, since ${day(r.basis_iso)}; ${cadence}`
    : `never contacted since onboarding on ${day(r.basis_iso)} (${days} days); ${cadence}`;
}

export class InteractionService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer | null,
  ) {}

  /** Records a contact and moves the client's `lastContactAt` forward (never back). */
  async record(input: RecordInteractionInput): Promise<Interaction> {
    const clientId = idArg('input.clientId', input.clientId);
    const occurredAt = notInFuture('input.occurredAt', input.occurredAt);
    const summary = requiredText('input.summary', input.summary, 10_000);
    const followUpDueAt = input.followUpDueAt ?? null;
    if (followUpDueAt && !(followUpDueAt.getTime() > occurredAt.getTime())) {
      throw badInput('input.followUpDueAt', 'must be after occurredAt');
    }
    return this.em.transactional(async (tem) => {
      // Locked: two interactions recorded at once must both count towards lastContactAt.
      const client = await tem.findOne(Client, { id: clientId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      if (!client) throw notFound('Client', clientId);
      const interaction = tem.create(Interaction, {
        client,
        kind: input.kind,
        occurredAt,
        summary,
        followUpDueAt,
        recordedBy: this.viewer?.name ?? null,
      });
      if (!client.lastContactAt || client.lastContactAt.getTime() < occurredAt.getTime()) client.lastContactAt = occurredAt;
      recordClientChange(tem, { clientId, change: ClientChange.INTERACTION_RECORDED, subjectId: interaction.id });
      return interaction;
    });
  }

  async completeFollowUp(id: string): Promise<Interaction> {
    const interactionId = idArg('interactionId', id);
    return this.em.transactional(async (tem) => {
      const interaction = await tem.findOne(Interaction, { id: interactionId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      if (!interaction) throw notFound('Interaction', interactionId);
      if (!interaction.followUpDueAt) throw conflict('interactionId: this interaction promised no follow-up', 'interactionId');
      if (interaction.followUpDoneAt) {
        throw conflict(`interactionId: the follow-up was already completed at ${interaction.followUpDoneAt.toISOString()}`, 'interactionId');
      }
      interaction.followUpDoneAt = new Date();
      recordClientChange(tem, { clientId: interaction.client.id, change: ClientChange.FOLLOW_UP_COMPLETED, subjectId: interaction.id });
      return interaction;
    });
  }

  /**
   * What is due by `dueBefore` (default now), soonest first: open follow-ups promised at
   * interactions (clients not terminated), and ACTIVE or WATCHLIST clients whose last contact
   * (or onboarding, if never contacted) is older than their cadence. One statement per page,
   * one for the count; nothing is loaded client by client.
   */
  async followUps(filter: FollowUpFilter | null | undefined, first?: number | null, after?: string | null, now = new Date()): Promise<FollowUpPage> {
    const limit = pageSize(first);
    const dueBefore = filter?.dueBefore ?? now;
    if (Number.isNaN(dueBefore.getTime())) throw badInput('filter.dueBefore', 'is not a valid date-time');
    const kinds = filter?.kinds?.length ? new Set(filter.kinds) : new Set(Object.values(FollowUpKind));
    const clientConds: string[] = [];
    const clientParams: unknown[] = [];
    const rm = filter?.relationshipManager?.trim();
    if (rm) {
      clientConds.push('c.relationship_manager = ?');
      clientParams.push(rm);
    }
    if (filter?.clientId) {
      clientConds.push('c.id = ?');
      clientParams.push(idArg('filter.clientId', filter.clientId));
    }
    const andClient = clientConds.map((c) => ` and ${c}`).join('');

    const branches: string[] = [];
    const params: unknown[] = [];
    if (kinds.has(FollowUpKind.EXPLICIT)) {
      branches.push(`
        select 'EXPLICIT'::text, i.follow_up_due_at, i.id, i.client_id, i.id, c.kind, i.occurred_at, true,
               i.kind, left(i.summary, 120)
          from interaction i join client c on c.id = i.client_id
         where i.follow_up_due_at <= ? and i.follow_up_done_at is null
           and c.status <> '${ClientStatus.TERMINATED}'${andClient}`);
      params.push(dueBefore, ...clientParams);
    }
    if (kinds.has(FollowUpKind.CADENCE)) {
      branches.push(`
        select 'CADENCE'::text, ${CADENCE_DUE_SQL}, c.id, c.id, null::uuid, c.kind, ${CONTACT_BASIS_SQL},
               c.last_contact_at is not null, null::text, null::text
          from client c
         where c.status in ('${ClientStatus.ACTIVE}', '${ClientStatus.WATCHLIST}')
           and ${CADENCE_DUE_SQL} <= ?${andClient}`);
      params.push(dueBefore, ...clientParams);
    }
    const due = `with due (kind, due_at, item_id, client_id, interaction_id, client_kind, basis, ever_contacted, interaction_kind, summary) as (${branches.join('\n union all\n')})`;

    let keyset = '';
    const pageParams = [...params];
    if (after) {
      const [at, kind, id] = decodeCursor(after, 3);
      if (typeof at !== 'string' || typeof kind !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(at))) {
        throw badInput('after', 'is not a cursor this list returned');
      }
      keyset = 'where (due_at, kind, item_id) > (?::timestamptz, ?, ?::uuid)';
      pageParams.push(at, kind, idArg('after', id));
    }
    pageParams.push(limit + 1);
    const rows = await this.em.getConnection().execute<DueRow[]>(
      `${due}
       select kind, ${isoSql('due_at')} as due_iso, item_id, client_id, interaction_id, client_kind,
              ${isoSql('basis')} as basis_iso, ever_contacted, interaction_kind, summary
         from due ${keyset}
        order by due_at, kind, item_id
        limit ?`,
      pageParams,
      'all',
    );
    return {
      rows: rows.map((r) => {
        const f = new FollowUp();
        f.kind = r.kind;
        f.dueAt = new Date(r.due_iso);
        f.reason = reasonOf(r, now);
        f.clientId = r.client_id;
        f.interactionId = r.interaction_id;
        f.key = [r.due_iso, r.kind, r.item_id];
        return f;
      }),
      limit,
      count: async () => {
        const [row] = await this.em.getConnection().execute<{ n: number }[]>(`${due} select count(*)::int as n from due`, params, 'all');
        return row?.n ?? 0;
      },
    };
  }
}
