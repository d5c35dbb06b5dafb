import 'reflect-metadata';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { Role } from '../auth/api-key.entity.js';
import { GuaranteeKind } from '../financing/financing.enums.js';
import { badInput, conflict, DomainError } from '../core/errors.js';
import { RemediationAction } from './alert.enums.js';
import type { RemediationInput } from './alert.inputs.js';
import { assertMayRemediate, extensionProblem, planRemediation, renameField } from './remediation.rules.js';

const DEAL = '11111111-1111-4111-8111-111111111111';
const LINE = '22222222-2222-4222-8222-222222222222';
const OTHER = '33333333-3333-4333-8333-333333333333';
const onDeal = { subjectType: 'FINANCING', subjectId: DEAL };
const onLine = { subjectType: 'CREDIT_LINE', subjectId: LINE };
const onClient = { subjectType: 'CLIENT', subjectId: OTHER };

const failure = (fn: () => unknown): DomainError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
};
const r = (input: Partial<RemediationInput> & { action: RemediationAction }) => input as RemediationInput;

describe('planRemediation', () => {
  it("defaults the target to the alert's subject of the right kind", () => {
    expect(planRemediation(r({ action: RemediationAction.TERMINATE_WITH_RECOURSE }), onDeal)).toEqual({
      action: RemediationAction.TERMINATE_WITH_RECOURSE,
      targetType: 'FINANCING',
      targetId: DEAL,
    });
    expect(planRemediation(r({ action: RemediationAction.FREEZE_LINE }), onLine)).toMatchObject({ targetType: 'CREDIT_LINE', targetId: LINE });
    expect(planRemediation(r({ action: RemediationAction.FREEZE_LINE, creditLineId: OTHER.toUpperCase() }), onLine).targetId).toBe(OTHER);
  });

  it('requires the target id when the subject is of another kind, naming the field', () => {
    const e = failure(() => planRemediation(r({ action: RemediationAction.REDUCE_LIMIT, newLimit: new Decimal(1) }), onDeal));
    expect(e.field).toBe('remediation.creditLineId');
    expect(e.message).toMatch(/subject is a FINANCING, not a credit line/);
    expect(failure(() => planRemediation(r({ action: RemediationAction.CHANGE_GUARANTEE, guarantee: { kind: GuaranteeKind.NONE } }), onClient)).field).toBe(
      'remediation.financingId',
    );
    expect(failure(() => planRemediation(r({ action: RemediationAction.FREEZE_LINE, creditLineId: 'nope' }), onLine)).field).toBe('remediation.creditLineId');
  });

  it('requires what the action needs and refuses what it does not use', () => {
    expect(failure(() => planRemediation(r({ action: RemediationAction.EXTEND_REPAYMENT }), onDeal)).field).toBe('remediation.tenorDays');
    expect(failure(() => planRemediation(r({ action: RemediationAction.REDUCE_LIMIT }), onLine)).field).toBe('remediation.newLimit');
    expect(failure(() => planRemediation(r({ action: RemediationAction.CHANGE_GUARANTEE }), onDeal)).field).toBe('remediation.guarantee');
    expect(failure(() => planRemediation(r({ action: RemediationAction.FREEZE_LINE, newLimit: new Decimal(5) }), onLine)).field).toBe('remediation.newLimit');
    expect(failure(() => planRemediation(r({ action: RemediationAction.FREEZE_LINE, financingId: DEAL }), onLine)).field).toBe('remediation.financingId');
    expect(failure(() => planRemediation(r({ action: RemediationAction.TERMINATE_WITH_RECOURSE, tenorDays: 30 }), onDeal)).field).toBe('remediation.tenorDays');
  });
});

describe('assertMayRemediate', () => {
  it('lets credit officers order every action and refuses relationship managers', () => {
    for (const action of Object.values(RemediationAction)) {
      expect(() => assertMayRemediate(Role.ADMIN, action)).not.toThrow();
      expect(() => assertMayRemediate(Role.RISK_OFFICER, action)).not.toThrow();
      const e = failure(() => assertMayRemediate(Role.RELATIONSHIP_MANAGER, action));
      expect(e.code).toBe('FORBIDDEN');
      expect(e.field).toBe('remediation.action');
    }
  });
});

describe('extensionProblem', () => {
  it('accepts only a new maturity after the current one', () => {
    expect(extensionProblem('2026-01-01', '2026-01-31', 31)).toBeNull();
    expect(extensionProblem('2026-01-01', '2026-01-31', 30)).toMatch(/more than the 30 days left to the current maturity 2026-01-31/);
    // Overdue: the maturity is behind us, any tenor extends.
    expect(extensionProblem('2026-03-01', '2026-01-31', 1)).toBeNull();
  });
});

describe('renameField', () => {
  it("renames a service's argument to the remediation's field, in the message too", () => {
    const e = renameField(badInput('input.tenorDays', 'must be a whole number from 1 to 3650')) as DomainError;
    expect([e.field, e.message, e.code]).toEqual(['remediation.tenorDays', 'remediation.tenorDays: must be a whole number from 1 to 3650', 'BAD_USER_INPUT']);
    expect((renameField(badInput('input.guarantee.guarantor', 'must not be empty')) as DomainError).field).toBe('remediation.guarantee.guarantor');
    expect((renameField(badInput('reason', 'must be at most 500 characters (got 600)')) as DomainError).message).toBe('note: must be at most 500 characters (got 600)');
    const c = renameField(conflict('credit line is EXPIRED', 'input.creditLineId', { current: 'EXPIRED' })) as DomainError;
    expect([c.code, c.field, c.message, c.details]).toEqual(['CONFLICT', 'remediation.creditLineId', 'credit line is EXPIRED', { current: 'EXPIRED' }]);
  });
  it('leaves other errors alone', () => {
    const plain = new Error('boom');
    expect(renameField(plain)).toBe(plain);
    const unnamed = conflict('financing is REPAID');
    expect(renameField(unnamed)).toBe(unnamed);
    const other = badInput('input.reasonable', 'x');
    expect(renameField(other)).toBe(other);
  });
});
