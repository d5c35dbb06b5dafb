import { readQueryRows, type Row } from '../db/rows.js';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from '../clients/client.entity.js';
import { ClientStatus } from '../clients/client.enums.js';
import { ClientService } from '../clients/client.service.js';
import { idArg, requiredText } from '../core/text.js';
import { addMonths, isUnderReview, reviewCadence } from '../clients/review-schedule.js';
import { appendEvent } from '../events/outbox.js';
import { businessDate, isIsoDate } from '../financing/financing.rules.js';
import { dateArg } from '../financing/money.js';
import { type Actor } from '../core/actor.js';
import { badInput, conflict, DomainError } from '../core/errors.js';
import { isUuid } from '../core/text.js';
import { decodeCursor, encodeCursor, pageSize } from '../core/cursor.js';
import { AlertKind } from './alert.enums.js';
import { AlertService } from './alert.service.js';
import { RiskAssessment } from './risk-assessment.entity.js';
import { RiskReview } from './risk-review.entity.js';
import { ReviewOutcome } from './risk.enums.js';
import { RiskTopic } from './risk.events.js';
import type { RecordRiskReviewInput } from './risk.inputs.js';

/** The status an outcome moves the client to; the others leave it where it is. */
const OUTCOME_STATUS: Partial<Record<ReviewOutcome, ClientStatus>> = {
  [ReviewOutcome.WATCHLIST]: ClientStatus.WATCHLIST,
  [ReviewOutcome.REINSTATE]: ClientStatus.ACTIVE,
  [ReviewOutcome.EXIT]: ClientStatus.SUSPENDED,
};

/** A review plans the next one at most this far ahead: a typo such as 2062 is refused. */
const MAX_REVIEW_GAP_MONTHS = 12;
const NOTE_MAX = 2000;

export class RiskReviewService {
  constructor(private readonly em: EntityManager) {}

  /**
   * Records a review in one transaction: moves the client as the outcome says (through the
   * client's status-change path), sets its next review date, appends `risk.review_recorded` and
   * resolves its open REVIEW_DUE alert when the review leaves it no longer due.
   */
  async record(input: RecordRiskReviewInput, actor: Actor, now = new Date()): Promise<RiskReview> {
    const clientId = idArg('input.clientId', input.clientId);
    const note = requiredText('input.note', input.note, NOTE_MAX);
    const today = businessDate(now);
    const reviewedOn = input.reviewedOn ? dateArg('input.reviewedOn', input.reviewedOn) : today;
    if (reviewedOn > today) throw badInput('input.reviewedOn', `must not be in the future (today is ${today})`);
    const asked = input.nextReviewDate ? dateArg('input.nextReviewDate', input.nextReviewDate) : null;
    if (asked !== null) {
      if (input.outcome === ReviewOutcome.EXIT) {
        throw badInput('input.nextReviewDate', 'must be left out with EXIT: an exiting client leaves the review schedule');
      }
      if (asked <= reviewedOn) throw badInput('input.nextReviewDate', `must be after input.reviewedOn (${reviewedOn})`);
      const latest = addMonths(reviewedOn, MAX_REVIEW_GAP_MONTHS);
      if (asked > latest) throw badInput('input.nextReviewDate', `must be at most ${MAX_REVIEW_GAP_MONTHS} months after input.reviewedOn (${latest})`);
    }

    return this.em.transactional(async (tem) => {
      const client = await tem.findOne(Client, { id: clientId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      if (!client) throw new DomainError('NOT_FOUND', `input.clientId: no client ${clientId}`, 'input.clientId', { id: clientId });
      if (!isUnderReview(client.status)) {
        throw conflict(`input.clientId: client is ${client.status}; only ACTIVE and WATCHLIST clients are under periodic review`, 'input.clientId', {
          current: client.status,
        });
      }
      // WATCHLIST on a watched client is a decision to keep watching; REINSTATE of an ACTIVE one would record a change that did not happen.
      if (input.outcome === ReviewOutcome.REINSTATE && client.status !== ClientStatus.WATCHLIST) {
        throw conflict(`input.outcome: client is ${client.status}; REINSTATE takes a WATCHLIST client back to ACTIVE`, 'input.outcome', {
          current: client.status,
        });
      }
      // A late entry of an older review must not move the schedule a newer one set.
      const previous = await tem.findOne(RiskReview, { client }, { orderBy: [{ reviewedOn: 'desc' }, { createdAt: 'desc' }] });
      if (previous && reviewedOn < previous.reviewedOn) {
        throw badInput('input.reviewedOn', `must not be before the client's latest review (${previous.reviewedOn})`);
      }
      const assessment = await tem.findOne(RiskAssessment, { client }, { orderBy: [{ assessedAt: 'desc' }, { id: 'desc' }] });

      const to = OUTCOME_STATUS[input.outcome] ?? client.status;
      const months = reviewCadence(to);
      const next = months === undefined ? null : (asked ?? addMonths(reviewedOn, months));
      new ClientService(tem).applyStatusMove(client, to, {
        field: 'input.outcome',
        reason: `risk review of ${reviewedOn}: ${input.outcome}`,
        today,
        nextReviewOn: next,
      });

      const review = tem.create(RiskReview, {
        client,
        reviewedOn,
        outcome: input.outcome,
        note,
        reviewer: actor.name,
        tier: assessment?.tier ?? null,
        score: assessment?.score ?? null,
        status: client.status,
        nextReviewOn: next,
      });
      appendEvent(tem, RiskTopic.REVIEW_RECORDED, review.id, {
        reviewId: review.id,
        clientId: client.id,
        outcome: input.outcome,
        reviewedOn,
        nextReviewOn: next,
        status: client.status,
      });
      // A backdated review can leave the client due still: then the alert stands.
      if (next === null || next > today) {
        await new AlertService(tem).clear(tem, AlertKind.REVIEW_DUE, client.id, `reviewed on ${reviewedOn} (${input.outcome}) by ${actor.name}`);
      }
      return review;
    });
  }

  /** Clients whose next review is due on or before `asOf`, most overdue first, keyset-paginated. */
  async listDue(asOf: string, first?: number | null, after?: string | null) {
    const limit = pageSize(first);
    const where = { nextReviewOn: { $lte: asOf } };
    const page: Record<string, unknown> = { ...where };
    if (after) {
      const [on, id] = decodeCursor(after, 2);
      if (typeof on !== 'string' || !isIsoDate(on) || typeof id !== 'string' || !isUuid(id)) throw badInput('after', 'is not a cursor this list returned');
      page.$or = [{ nextReviewOn: { $gt: on } }, { nextReviewOn: on, id: { $gt: id } }];
    }
    const qb = this.em.createQueryBuilder(Client, 'c').where(page).orderBy([{ nextReviewOn: 'asc' }, { id: 'asc' }]).limit(limit + 1);
    const rows = await readQueryRows(this.em, Client, qb, 'c');
    return {
      rows,
      limit,
      cursorOf: (c: Row<Client>) => encodeCursor([c.nextReviewOn, c.id]),
      count: () => this.em.count(Client, where),
    };
  }
}
