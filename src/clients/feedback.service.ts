import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from './client.entity.js';
import { ComplaintStatus, FeedbackKind } from './client.enums.js';
import { ClientChange, recordClientChange } from './client.events.js';
import { idArg, optionalText, requiredText } from '../core/text.js';
import { Feedback } from './feedback.entity.js';
import type { ResolveComplaintInput, SubmitFeedbackInput } from './feedback.inputs.js';
import { badInput, conflict, notFound } from '../core/errors.js';

const BODY_MAX = 10_000;

export class FeedbackService {
  constructor(private readonly em: EntityManager) {}

  /** A survey needs an integer score 0–10; a complaint needs a category and a body and starts OPEN. */
  async submit(input: SubmitFeedbackInput): Promise<Feedback> {
    const clientId = idArg('input.clientId', input.clientId);
    let data: Pick<Feedback, 'kind' | 'score' | 'category' | 'body' | 'status'>;
    if (input.kind === FeedbackKind.SURVEY) {
      const score = input.score;
      if (score === undefined || score === null) throw badInput('input.score', 'is required for a SURVEY (0–10)');
      if (!Number.isInteger(score) || score < 0 || score > 10) throw badInput('input.score', 'must be a whole number from 0 to 10');
      if (input.category) throw badInput('input.category', 'is for complaints only');
      data = { kind: input.kind, score, category: null, body: optionalText('input.body', input.body, BODY_MAX), status: null };
    } else {
      if (input.score !== undefined && input.score !== null) throw badInput('input.score', 'is for surveys only');
      if (!input.category) throw badInput('input.category', 'is required for a COMPLAINT');
      data = {
        kind: input.kind,
        score: null,
        category: input.category,
        body: requiredText('input.body', input.body, BODY_MAX),
        status: ComplaintStatus.OPEN,
      };
    }
    return this.em.transactional(async (tem) => {
      const client = await tem.findOne(Client, { id: clientId });
      if (!client) throw notFound('Client', clientId);
      const feedback = tem.create(Feedback, { client, ...data });
      recordClientChange(tem, { clientId, change: ClientChange.FEEDBACK_SUBMITTED, subjectId: feedback.id });
      return feedback;
    });
  }

  /** OPEN → IN_PROGRESS: someone is on it. */
  async startComplaint(id: string): Promise<Feedback> {
    return this.transition(idArg('id', id), 'id', (complaint) => {
      if (complaint.status !== ComplaintStatus.OPEN) {
        throw conflict(`id: the complaint is ${complaint.status}; only an OPEN one can be started`, 'id', { current: complaint.status });
      }
      complaint.status = ComplaintStatus.IN_PROGRESS;
      return ClientChange.COMPLAINT_STARTED;
    });
  }

  /** OPEN or IN_PROGRESS → RESOLVED, with what was done. */
  async resolveComplaint(input: ResolveComplaintInput): Promise<Feedback> {
    const resolution = requiredText('input.resolution', input.resolution, BODY_MAX);
    return this.transition(idArg('input.id', input.id), 'input.id', (complaint) => {
      if (complaint.status === ComplaintStatus.RESOLVED) {
        throw conflict(`input.id: the complaint was already resolved at ${complaint.resolvedAt?.toISOString() ?? 'an earlier time'}`, 'input.id', {
          current: complaint.status,
        });
      }
      complaint.status = ComplaintStatus.RESOLVED;
      complaint.resolution = resolution;
      complaint.resolvedAt = new Date();
      return ClientChange.COMPLAINT_RESOLVED;
    });
  }

  private transition(id: string, field: string, apply: (complaint: Feedback) => ClientChange): Promise<Feedback> {
    return this.em.transactional(async (tem) => {
      const feedback = await tem.findOne(Feedback, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      if (!feedback) throw notFound('Feedback', id);
      if (feedback.kind !== FeedbackKind.COMPLAINT) throw conflict(`${field}: this feedback is a ${feedback.kind}, not a complaint`, field);
      const change = apply(feedback);
      recordClientChange(tem, { clientId: feedback.client.id, change, subjectId: feedback.id });
      return feedback;
    });
  }
}
