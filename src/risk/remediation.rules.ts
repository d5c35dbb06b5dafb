import type { Role } from '../auth/api-key.entity.js';
import { CREDIT_OFFICERS } from '../auth/viewer.js';
import { idArg } from '../core/text.js';
import { daysBetween } from '../financing/financing.rules.js';
import { badInput, DomainError, isDomainError } from '../core/errors.js';
import { RemediationAction } from './alert.enums.js';
import type { RemediationInput } from './alert.inputs.js';

/**
 * Pure rules of alert remediations: what each action acts on and takes, who may order it, and
 * how the financing services' errors read when they come from a remediation.
 */

export type RemediationTargetType = 'FINANCING' | 'CREDIT_LINE';

/**
 * Who may order each remediation: the roles of the financing mutation that does the same
 * (restructureFinancing, changeFinancingGuarantee, adjustCreditLimit, freezeCreditLine,
 * terminateFinancingWithRecourse). Resolving the alert itself stays open to ALERT_HANDLERS.
 */
export const REMEDIATION_ROLES: Record<RemediationAction, readonly Role[]> = {
  EXTEND_REPAYMENT: CREDIT_OFFICERS,
  CHANGE_GUARANTEE: CREDIT_OFFICERS,
  REDUCE_LIMIT: CREDIT_OFFICERS,
  FREEZE_LINE: CREDIT_OFFICERS,
  TERMINATE_WITH_RECOURSE: CREDIT_OFFICERS,
};

/** FORBIDDEN naming the action when `role` may not order it. */
export function assertMayRemediate(role: Role, action: RemediationAction): void {
  const allowed = REMEDIATION_ROLES[action];
  if (!allowed.includes(role)) {
    throw new DomainError('FORBIDDEN', `role ${role} may not remediate with ${action}; allowed: ${allowed.join(', ')}`, 'remediation.action');
  }
}

export const TARGET_OF: Record<RemediationAction, RemediationTargetType> = {
  EXTEND_REPAYMENT: 'FINANCING',
  CHANGE_GUARANTEE: 'FINANCING',
  TERMINATE_WITH_RECOURSE: 'FINANCING',
  REDUCE_LIMIT: 'CREDIT_LINE',
  FREEZE_LINE: 'CREDIT_LINE',
};

type Option = 'tenorDays' | 'repaymentMethod' | 'instalments' | 'newLimit' | 'guarantee';
const OPTIONS: readonly Option[] = ['tenorDays', 'repaymentMethod', 'instalments', 'newLimit', 'guarantee'];
/** The options each action takes, and (below) those it requires. */
const TAKES: Record<RemediationAction, readonly Option[]> = {
  EXTEND_REPAYMENT: ['tenorDays', 'repaymentMethod', 'instalments'],
  CHANGE_GUARANTEE: ['guarantee'],
  REDUCE_LIMIT: ['newLimit'],
  FREEZE_LINE: [],
  TERMINATE_WITH_RECOURSE: [],
};
const REQUIRED: Record<RemediationAction, readonly Option[]> = {
  EXTEND_REPAYMENT: ['tenorDays'],
  CHANGE_GUARANTEE: ['guarantee'],
  REDUCE_LIMIT: ['newLimit'],
  FREEZE_LINE: [],
  TERMINATE_WITH_RECOURSE: [],
};

const given = (v: unknown) => v !== null && v !== undefined;
const WHAT: Record<RemediationTargetType, string> = { FINANCING: 'a deal', CREDIT_LINE: 'a credit line' };

export interface RemediationPlan {
  action: RemediationAction;
  targetType: RemediationTargetType;
  targetId: string;
}

/**
 * The target and the options of a remediation, checked against the action: a target id given,
 * else the alert's subject when it is of the right kind; an option the action does not take is
 * refused rather than ignored.
 */
export function planRemediation(r: RemediationInput, subject: { subjectType: string; subjectId: string }): RemediationPlan {
  const targetType = TARGET_OF[r.action];
  const [field, other] = targetType === 'FINANCING' ? (['financingId', 'creditLineId'] as const) : (['creditLineId', 'financingId'] as const);
  if (given(r[other])) throw badInput(`remediation.${other}`, `is not used by ${r.action}, which acts on ${WHAT[targetType]} (${field})`);
  for (const o of OPTIONS) {
    if (given(r[o]) && !TAKES[r.action].includes(o)) throw badInput(`remediation.${o}`, `is not used by ${r.action}`);
  }
  for (const o of REQUIRED[r.action]) {
    if (!given(r[o])) throw badInput(`remediation.${o}`, `is required for ${r.action}`);
  }
  const id = r[field];
  if (given(id)) return { action: r.action, targetType, targetId: idArg(`remediation.${field}`, id as string) };
  if (subject.subjectType !== targetType) {
    throw badInput(`remediation.${field}`, `is required for ${r.action}: the alert's subject is a ${subject.subjectType}, not ${WHAT[targetType]}`);
  }
  return { action: r.action, targetType, targetId: subject.subjectId };
}

/**
 * Why a restructuring to `tenorDays` from `today` would not extend a deal maturing on
 * `maturity`; null when it does (the new maturity is later).
 */
export function extensionProblem(today: string, maturity: string, tenorDays: number): string | null {
  const left = daysBetween(today, maturity);
  if (tenorDays > left) return null;
  return `must extend the repayment: more than the ${left} days left to the current maturity ${maturity}`;
}

/**
 * The financing services name their own arguments (`input.tenorDays`, `reason`); called for a
 * remediation, their errors name the remediation's fields instead, so the caller knows what to fix.
 */
export const SERVICE_FIELDS: Readonly<Record<string, string>> = {
  'input.financingId': 'remediation.financingId',
  'input.creditLineId': 'remediation.creditLineId',
  'input.tenorDays': 'remediation.tenorDays',
  'input.repaymentMethod': 'remediation.repaymentMethod',
  'input.instalments': 'remediation.instalments',
  'input.newLimit': 'remediation.newLimit',
  'input.guarantee': 'remediation.guarantee',
  'input.reason': 'note',
  id: 'remediation.financingId',
  reason: 'note',
};

/** `err` with its field (and the field at the head of its message) renamed by `names`; a nested field keeps its tail. */
export function renameField(err: unknown, names: Readonly<Record<string, string>> = SERVICE_FIELDS): unknown {
  if (!isDomainError(err) || !err.field) return err;
  const from = err.field;
  const hit = Object.keys(names).find((k) => from === k || from.startsWith(`${k}.`));
  if (!hit) return err;
  const field = `${names[hit]}${from.slice(hit.length)}`;
  const message = err.message.startsWith(`${from}:`) ? `${field}${err.message.slice(from.length)}` : err.message;
  return new DomainError(err.code, message, field, err.details);
}
