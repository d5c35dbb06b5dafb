import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from './client.entity.js';
import { CLIENT_STATUS_TRANSITIONS, ClientStatus, type CreditRating } from './client.enums.js';
import { ClientChange, recordClientChange } from './client.events.js';
import {
  ClientOrderField,
  type ChangeClientCreditRatingInput,
  type ChangeClientStatusInput,
  type ClientFilter,
  type ClientOrder,
  type CreateClientInput,
  type UpdateClientInput,
} from './client.inputs.js';
import { mapUniqueViolation, normaliseUscc } from './client.validation.js';
import { idArg, isUuid, optionalText, requiredText } from '../core/text.js';
import { readRows, type Row } from '../db/rows.js';
import { sqlRows } from '../db/sql.js';
import { reviewDateAfterMove } from './review-schedule.js';
import { SupplyChainLink } from './supply-chain-link.entity.js';
import { businessDate } from '../financing/financing.rules.js';
import { badInput, conflict, notFound, type DomainError } from '../core/errors.js';
import { SortDirection } from '../graphql/pagination.js';
import { decodeCursor, encodeCursor, pageSize } from '../core/cursor.js';

type EditableField = 'name' | 'kind' | 'industry' | 'unifiedSocialCreditCode' | 'creditRating' | 'relationshipManager' | 'city';

const USCC_FIELD = 'input.unifiedSocialCreditCode';
const USCC_CONSTRAINT = 'client_uscc_uidx';
/** Statuses a client may start in; the others only follow from a relationship. */
const INITIAL_STATUSES: readonly ClientStatus[] = [ClientStatus.PROSPECT, ClientStatus.ACTIVE, ClientStatus.WATCHLIST];

const duplicateUscc = (code: string, existingId?: string): DomainError =>
  conflict(
    `${USCC_FIELD}: a client with unified social credit code ${code} already exists`,
    USCC_FIELD,
    existingId ? { existingClientId: existingId } : undefined,
  );

/** CONFLICT unless `to` is an allowed move from the client's status (a move to the same status is no move). */
export function assertStatusTransition(client: Client, to: ClientStatus, field: string): void {
  if (client.status === to) return;
  const allowed = CLIENT_STATUS_TRANSITIONS[client.status];
  if (!allowed.includes(to)) {
    const options = allowed.length ? `it may move to ${allowed.join(', ')}` : 'that status is final';
    throw conflict(`${field}: client is ${client.status}, cannot become ${to}; ${options}`, field, {
      current: client.status,
      allowed: [...allowed],
    });
  }
}

/** Options of a status move. */
export interface StatusMove {
  /** The input field the new status came from, for errors. */
  field: string;
  /** Kept with the change event. */
  reason?: string | null;
  /** Business date the review cadence counts from. */
  today: string;
  /** A risk review's own next date, instead of the one the move would give (must suit the new status). */
  nextReviewOn?: string | null;
}

/**
 * Moves the client to `to` and its next review date with it (see `reviewDateAfterMove`), or to
 * `move.nextReviewOn` when given. Returns the GraphQL names of the fields that changed.
 */
function moveStatus(client: Client, to: ClientStatus, move: StatusMove): string[] {
  assertStatusTransition(client, to, move.field);
  const fields: string[] = [];
  const from = client.status;
  if (from !== to) {
    client.status = to;
    fields.push('status');
  }
  let next: string | null;
  if (move.nextReviewOn !== undefined) next = move.nextReviewOn;
  else if (from === to) next = client.nextReviewOn; // no move: the schedule stands
  else next = reviewDateAfterMove(to, client.nextReviewOn, move.today);
  if (client.nextReviewOn !== next) {
    client.nextReviewOn = next;
    fields.push('nextReviewDate');
  }
  return fields;
}

/** The SQL column and entity property each ordering sorts on. */
const ORDER_COLUMNS: Record<ClientOrderField, { column: string; property: 'name' | 'createdAt' | 'updatedAt' }> = {
  NAME: { column: 'name', property: 'name' },
  CREATED_AT: { column: 'created_at', property: 'createdAt' },
  UPDATED_AT: { column: 'updated_at', property: 'updatedAt' },
};

export const DEFAULT_CLIENT_ORDER: ClientOrder = { field: ClientOrderField.NAME, direction: SortDirection.ASC };

/** `%`, `_` and the escape character itself match literally inside a LIKE pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

export interface ClientPage {
  rows: Row<Client>[];
  limit: number;
  cursorOf(client: Row<Client>): string;
  /** Counts every match; only run when the caller asks for `totalCount`. */
  count(): Promise<number>;
}

/** A filter as SQL conditions on `client c`, `?` placeholders. */
function clientConditions(filter: ClientFilter | null | undefined): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (!filter) return { where, params };
  if (filter.kinds?.length) (where.push('c.kind in (?)'), params.push(filter.kinds));
  if (filter.industries?.length) (where.push('c.industry in (?)'), params.push(filter.industries));
  if (filter.statuses?.length) (where.push('c.status in (?)'), params.push(filter.statuses));
  const rm = filter.relationshipManager?.trim();
  if (rm) (where.push('c.relationship_manager = ?'), params.push(rm));
  const search = filter.search?.trim();
  if (search) {
    if (search.length > 200) throw badInput('filter.search', 'must be at most 200 characters');
    const pattern = `%${escapeLike(search)}%`;
    where.push('(c.name ilike ? or c.unified_social_credit_code ilike ?)');
    params.push(pattern, pattern);
  }
  return { where, params };
}

export class ClientService {
  constructor(private readonly em: EntityManager) {}

  async create(input: CreateClientInput): Promise<Client> {
    const name = requiredText('input.name', input.name, 200);
    const code = normaliseUscc(USCC_FIELD, input.unifiedSocialCreditCode);
    const relationshipManager = optionalText('input.relationshipManager', input.relationshipManager, 120);
    const city = optionalText('input.city', input.city, 120);
    const status = input.status ?? ClientStatus.PROSPECT;
    if (!INITIAL_STATUSES.includes(status)) {
      throw badInput('input.status', `a new client starts as ${INITIAL_STATUSES.join(', ')}`);
    }
    return mapUniqueViolation(
      () =>
        this.em.transactional(async (tem) => {
          const existing = await tem.findOne(Client, { unifiedSocialCreditCode: code });
          if (existing) throw duplicateUscc(code, existing.id);
          const client = tem.create(Client, {
            name,
            kind: input.kind,
            industry: input.industry,
            unifiedSocialCreditCode: code,
            creditRating: input.creditRating ?? null,
            relationshipManager,
            city,
            status,
            nextReviewOn: reviewDateAfterMove(status, null, businessDate(new Date())),
          });
          recordClientChange(tem, { clientId: client.id, change: ClientChange.CREATED });
          return client;
        }),
      USCC_CONSTRAINT,
      () => duplicateUscc(code),
    );
  }

  async update(input: UpdateClientInput): Promise<Client> {
    return mapUniqueViolation(
      () =>
        this.em.transactional(async (tem) => {
          const client = await this.lockClient(tem, input.id);
          const fields: string[] = [];
          const set = <K extends EditableField>(key: K, value: Client[K]) => {
            if ((client[key] ?? null) !== (value ?? null)) {
              client[key] = value;
              fields.push(key);
            }
          };
          if (input.name !== undefined) set('name', requiredText('input.name', input.name, 200));
          if (input.industry !== undefined) {
            if (input.industry === null) throw badInput('input.industry', 'cannot be cleared');
            set('industry', input.industry);
          }
          if (input.unifiedSocialCreditCode !== undefined) {
            if (input.unifiedSocialCreditCode === null) throw badInput(USCC_FIELD, 'cannot be cleared');
            const code = normaliseUscc(USCC_FIELD, input.unifiedSocialCreditCode);
            if (code !== client.unifiedSocialCreditCode) {
              const other = await tem.findOne(Client, { unifiedSocialCreditCode: code });
              if (other) throw duplicateUscc(code, other.id);
              set('unifiedSocialCreditCode', code);
            }
          }
          if (input.kind !== undefined) {
            if (input.kind === null) throw badInput('input.kind', 'cannot be cleared');
            if (input.kind !== client.kind) {
              // A kind change would leave links that no longer make sense (a supplier as core, …).
              const links = await tem.count(SupplyChainLink, { $or: [{ coreEnterprise: client.id }, { counterparty: client.id }] });
              if (links > 0) {
                throw conflict(`input.kind: client has ${links} supply-chain link(s); unlink them before changing its kind`, 'input.kind');
              }
              set('kind', input.kind);
            }
          }
          if (input.creditRating !== undefined) set('creditRating', input.creditRating);
          if (input.relationshipManager !== undefined) {
            set('relationshipManager', optionalText('input.relationshipManager', input.relationshipManager, 120));
          }
          if (input.city !== undefined) set('city', optionalText('input.city', input.city, 120));
          if (input.status !== undefined) {
            if (input.status === null) throw badInput('input.status', 'cannot be cleared');
            fields.push(...moveStatus(client, input.status, { field: 'input.status', today: businessDate(new Date()) }));
          }
          if (fields.length) {
            const change = fields.includes('status') ? ClientChange.STATUS_CHANGED : ClientChange.UPDATED;
            recordClientChange(tem, { clientId: client.id, change, fields });
          }
          return client;
        }),
      USCC_CONSTRAINT,
      () => duplicateUscc(input.unifiedSocialCreditCode?.trim().toUpperCase() ?? ''),
    );
  }

  async changeStatus(input: ChangeClientStatusInput): Promise<Client> {
    const reason = optionalText('input.reason', input.reason, 500);
    return this.em.transactional(async (tem) => {
      const client = await this.lockClient(tem, input.id);
      new ClientService(tem).applyStatusMove(client, input.status, { field: 'input.status', reason, today: businessDate(new Date()) });
      return client;
    });
  }

  /**
   * The status-change path inside the caller's transaction, the client locked: checks the move,
   * keeps the next review date in step, and records one clientChanged event (STATUS_CHANGED, or
   * UPDATED when only the review date changed). Returns the fields it changed.
   */
  applyStatusMove(client: Client, to: ClientStatus, move: StatusMove): string[] {
    const fields = moveStatus(client, to, move);
    if (fields.length) {
      const change = fields.includes('status') ? ClientChange.STATUS_CHANGED : ClientChange.UPDATED;
      recordClientChange(this.em, { clientId: client.id, change, fields, reason: move.reason ?? undefined });
    }
    return fields;
  }

  async changeCreditRating(input: ChangeClientCreditRatingInput): Promise<Client> {
    const reason = optionalText('input.reason', input.reason, 500);
    const rating: CreditRating | null = input.creditRating ?? null;
    return this.em.transactional(async (tem) => {
      const client = await this.lockClient(tem, input.id);
      if ((client.creditRating ?? null) !== rating) {
        client.creditRating = rating;
        recordClientChange(tem, {
          clientId: client.id,
          change: ClientChange.CREDIT_RATING_CHANGED,
          fields: ['creditRating'],
          reason: reason ?? undefined,
        });
      }
      return client;
    });
  }

  /**
   * A keyset page: rows after the cursor's (sort value, id), so that rows inserted on earlier
   * pages neither shift nor repeat later ones.
   */
  /** A page of clients as plain rows (reads only: nothing here is tracked by the ORM). */
  async list(filter: ClientFilter | null | undefined, order: ClientOrder | null | undefined, first?: number | null, after?: string | null): Promise<ClientPage> {
    const limit = pageSize(first);
    const { field, direction } = order ?? DEFAULT_CLIENT_ORDER;
    const { column, property } = ORDER_COLUMNS[field];
    const orderTag = `${field}:${direction}`;
    const { where, params } = clientConditions(filter);
    const page = [...where];
    const pageParams = [...params];
    if (after) {
      const [tag, value, id] = decodeCursor(after, 3);
      if (tag !== orderTag || typeof value !== 'string' || typeof id !== 'string' || !isUuid(id)) {
        throw badInput('after', `is a cursor of another ordering; this list is ordered by ${orderTag}`);
      }
      page.push(`(c.${column}, c.id) ${direction === SortDirection.ASC ? '>' : '<'} (?, ?)`);
      pageParams.push(value, id);
    }
    const dir = direction === SortDirection.ASC ? 'asc' : 'desc';
    const whereSql = (conditions: string[]) => (conditions.length ? `where ${conditions.join(' and ')}` : '');
    const rows = await readRows(
      this.em,
      Client,
      `select {columns} from client c ${whereSql(page)} order by c.${column} ${dir}, c.id ${dir} limit ?`,
      [...pageParams, limit + 1],
      'c',
    );
    return {
      rows,
      limit,
      cursorOf: (c) => {
        const v = c[property];
        return encodeCursor([orderTag, v instanceof Date ? v.toISOString() : v, c.id]);
      },
      count: async () => {
        const [row] = await sqlRows<{ n: number }>(this.em, `select count(*)::int as n from client c ${whereSql(where)}`, params);
        return row?.n ?? 0;
      },
    };
  }

  private async lockClient(tem: EntityManager, id: string): Promise<Client> {
    const client = await tem.findOne(Client, { id: idArg('input.id', id) }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!client) throw notFound('Client', id);
    return client;
  }
}
