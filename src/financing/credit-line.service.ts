import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Decimal } from 'decimal.js';
import { Client } from '../clients/client.entity.js';
import { ClientStatus } from '../clients/client.enums.js';
import { idArg, requiredText } from '../core/text.js';
import { badInput, conflict, notFound } from '../core/errors.js';
import { CreditLine, CreditLineChange, creditLineStatus } from './credit-line.entity.js';
import { CreditLineChangeKind, CreditLineStatus } from './financing.enums.js';
import { FinancingTopic, recordFinancingEvent } from './financing.events.js';
import type { AdjustCreditLimitInput, FreezeCreditLineInput, OpenCreditLineInput } from './financing.inputs.js';
import { currencyArg, moneyArg } from './money.js';
import { type Actor } from '../core/actor.js';

const CLOSED_CLIENT_STATUSES: readonly ClientStatus[] = [ClientStatus.SUSPENDED, ClientStatus.TERMINATED];

export class CreditLineService {
  constructor(private readonly em: EntityManager) {}

  async open(input: OpenCreditLineInput, actor: Actor, now = new Date()): Promise<CreditLine> {
    const limit = moneyArg('input.limit', input.limit);
    const currency = currencyArg('input.currency', input.currency);
    if (Number.isNaN(input.expiresAt.getTime()) || input.expiresAt.getTime() <= now.getTime()) {
      throw badInput('input.expiresAt', 'must be in the future');
    }
    const clientId = idArg('input.clientId', input.clientId);
    return this.em.transactional(async (tem) => {
      // Locks the client: two concurrent openings cannot both find no usable line.
      const client = await tem.findOne(Client, { id: clientId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!client) throw notFound('Client', clientId);
      if (CLOSED_CLIENT_STATUSES.includes(client.status)) {
        throw conflict(`input.clientId: client is ${client.status}; credit lines are opened for PROSPECT, ACTIVE or WATCHLIST clients`, 'input.clientId', {
          current: client.status,
        });
      }
      const existing = (await tem.find(CreditLine, { client, currency })).find((l) => creditLineStatus(l, now) !== CreditLineStatus.EXPIRED);
      if (existing) {
        throw conflict(`client already has credit line ${existing.id} in ${currency} (${creditLineStatus(existing, now)}); adjust it instead`, 'input.clientId', {
          creditLineId: existing.id,
        });
      }
      const line = tem.create(CreditLine, { client, limit: limit.toFixed(2), currency, expiresAt: input.expiresAt });
      this.history(tem, line, CreditLineChangeKind.OPENED, null, limit, null, actor);
      return line;
    });
  }

  async adjustLimit(input: AdjustCreditLimitInput, actor: Actor, now = new Date()): Promise<CreditLine> {
    const newLimit = moneyArg('input.newLimit', input.newLimit);
    const reason = requiredText('input.reason', input.reason, 500);
    return this.em.transactional(async (tem) => {
      const line = await this.lock(tem, input.creditLineId, 'input.creditLineId');
      if (creditLineStatus(line, now) === CreditLineStatus.EXPIRED) {
        throw conflict(`credit line is EXPIRED (since ${line.expiresAt.toISOString()}); open a new one`, 'input.creditLineId', { current: 'EXPIRED' });
      }
      const previous = new Decimal(line.limit);
      if (!previous.equals(newLimit)) {
        line.limit = newLimit.toFixed(2);
        this.history(tem, line, CreditLineChangeKind.LIMIT_ADJUSTED, previous, newLimit, reason, actor);
      }
      return line;
    });
  }

  async setFrozen(input: FreezeCreditLineInput, frozen: boolean, actor: Actor, now = new Date()): Promise<CreditLine> {
    const reason = requiredText('input.reason', input.reason, 500);
    return this.em.transactional(async (tem) => {
      const line = await this.lock(tem, input.creditLineId, 'input.creditLineId');
      const status = creditLineStatus(line, now);
      const from = frozen ? CreditLineStatus.ACTIVE : CreditLineStatus.FROZEN;
      const to = frozen ? CreditLineStatus.FROZEN : CreditLineStatus.ACTIVE;
      if (status !== from) {
        throw conflict(`credit line is ${status}, cannot become ${to}`, 'input.creditLineId', { current: status });
      }
      line.status = to;
      const limit = new Decimal(line.limit);
      this.history(tem, line, frozen ? CreditLineChangeKind.FROZEN : CreditLineChangeKind.UNFROZEN, limit, limit, reason, actor);
      return line;
    });
  }

  private async lock(tem: EntityManager, id: string, field: string): Promise<CreditLine> {
    const line = await tem.findOne(CreditLine, { id: idArg(field, id) }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!line) throw notFound('CreditLine', id);
    return line;
  }

  private history(
    tem: EntityManager,
    line: CreditLine,
    kind: CreditLineChangeKind,
    previous: Decimal | null,
    limit: Decimal,
    reason: string | null,
    actor: Actor,
  ): void {
    tem.create(CreditLineChange, {
      creditLine: line,
      kind,
      previousLimit: previous?.toFixed(2) ?? null,
      newLimit: limit.toFixed(2),
      reason,
      actorName: actor.name,
      actorId: actor.id,
    });
    recordFinancingEvent(tem, FinancingTopic.CREDIT_LINE_CHANGED, line.id, {
      creditLineId: line.id,
      clientId: line.client.id,
      change: kind,
      limit: limit.toFixed(2),
      ...(previous ? { previousLimit: previous.toFixed(2) } : {}),
      status: line.status,
      ...(reason ? { reason } : {}),
      actor: actor.name,
    });
  }
}
