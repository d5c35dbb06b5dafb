import { registerEnumType } from 'type-graphql';

export enum ProductKind {
  RECEIVABLES_FACTORING = 'RECEIVABLES_FACTORING',
  REVERSE_FACTORING = 'REVERSE_FACTORING',
  INVENTORY_FINANCING = 'INVENTORY_FINANCING',
  PREPAYMENT_FINANCING = 'PREPAYMENT_FINANCING',
  CREDIT_LOAN = 'CREDIT_LOAN',
  FINANCIAL_LEASING = 'FINANCIAL_LEASING',
}

export enum FinancingStatus {
  SUBMITTED = 'SUBMITTED',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
  DISBURSED = 'DISBURSED',
  OVERDUE = 'OVERDUE',
  RESTRUCTURED = 'RESTRUCTURED',
  DEFAULTED = 'DEFAULTED',
  REPAID = 'REPAID',
}

/**
 * Allowed moves. OVERDUE goes back to DISBURSED (or RESTRUCTURED, for a restructured deal) when
 * the arrears are paid; REJECTED and REPAID are final.
 */
export const FINANCING_TRANSITIONS: Record<FinancingStatus, readonly FinancingStatus[]> = {
  SUBMITTED: [FinancingStatus.APPROVED, FinancingStatus.REJECTED],
  APPROVED: [FinancingStatus.DISBURSED],
  REJECTED: [],
  DISBURSED: [FinancingStatus.OVERDUE, FinancingStatus.RESTRUCTURED, FinancingStatus.DEFAULTED, FinancingStatus.REPAID],
  OVERDUE: [FinancingStatus.DISBURSED, FinancingStatus.RESTRUCTURED, FinancingStatus.DEFAULTED, FinancingStatus.REPAID],
  RESTRUCTURED: [FinancingStatus.OVERDUE, FinancingStatus.RESTRUCTURED, FinancingStatus.DEFAULTED, FinancingStatus.REPAID],
  DEFAULTED: [FinancingStatus.REPAID],
  REPAID: [],
};

/** Deals with money out: they carry outstanding principal and days past due. */
export const LIVE_STATUSES: readonly FinancingStatus[] = [
  FinancingStatus.DISBURSED,
  FinancingStatus.OVERDUE,
  FinancingStatus.RESTRUCTURED,
  FinancingStatus.DEFAULTED,
];

/** Deals that use a credit line: approved ones reserve their amount, live ones their outstanding principal. */
export const UTILIZING_STATUSES: readonly FinancingStatus[] = [FinancingStatus.APPROVED, ...LIVE_STATUSES];

/** What happened to a deal; each history entry records one. */
export enum FinancingAction {
  SUBMITTED = 'SUBMITTED',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
  DISBURSED = 'DISBURSED',
  BECAME_OVERDUE = 'BECAME_OVERDUE',
  CURED = 'CURED',
  RESTRUCTURED = 'RESTRUCTURED',
  DEFAULTED = 'DEFAULTED',
  REPAID = 'REPAID',
  AML_HOLD = 'AML_HOLD',
  AML_CLEARED = 'AML_CLEARED',
  /** The deal's guarantee was set or replaced; the entry's detail keeps the previous and the new one. */
  GUARANTEE_CHANGED = 'GUARANTEE_CHANGED',
  /** Accelerated and moved to DEFAULTED: everything owed fell due at once, claimed with recourse. */
  TERMINATED_WITH_RECOURSE = 'TERMINATED_WITH_RECOURSE',
}

/** Live deals that can be terminated with recourse (a DEFAULTED one is terminated already). */
export const TERMINABLE_STATUSES: readonly FinancingStatus[] = [FinancingStatus.DISBURSED, FinancingStatus.OVERDUE, FinancingStatus.RESTRUCTURED];

/** What secures a deal. NONE: unsecured (every deal starts so). */
export enum GuaranteeKind {
  NONE = 'NONE',
  CORPORATE_GUARANTEE = 'CORPORATE_GUARANTEE',
  PERSONAL_GUARANTEE = 'PERSONAL_GUARANTEE',
  COLLATERAL = 'COLLATERAL',
  CREDIT_INSURANCE = 'CREDIT_INSURANCE',
}

export enum RepaymentMethod {
  /** All principal at maturity. */
  BULLET = 'BULLET',
  /** Equal principal instalments, evenly spaced over the tenor. */
  EQUAL_INSTALMENTS = 'EQUAL_INSTALMENTS',
}

export enum DelinquencyBucket {
  CURRENT = 'CURRENT',
  DPD_1_30 = 'DPD_1_30',
  DPD_31_60 = 'DPD_31_60',
  DPD_61_90 = 'DPD_61_90',
  DPD_90_PLUS = 'DPD_90_PLUS',
}

/** What moved a deal into another delinquency bucket (carried by `financing.bucket_changed`). */
export enum BucketChangeCause {
  REPAYMENT = 'REPAYMENT',
  RESTRUCTURE = 'RESTRUCTURE',
  TERMINATION = 'TERMINATION',
  /** The daily scan: days passed (or a backdated scan). */
  SCAN = 'SCAN',
}

export enum CreditLineStatus {
  ACTIVE = 'ACTIVE',
  FROZEN = 'FROZEN',
  /** Past `expiresAt`; never stored, derived when read. */
  EXPIRED = 'EXPIRED',
}

export enum CreditLineChangeKind {
  OPENED = 'OPENED',
  LIMIT_ADJUSTED = 'LIMIT_ADJUSTED',
  FROZEN = 'FROZEN',
  UNFROZEN = 'UNFROZEN',
}

export enum LedgerEntryKind {
  DISBURSEMENT = 'DISBURSEMENT',
  REPAYMENT = 'REPAYMENT',
  FEE = 'FEE',
}

export enum RateCapPolicy {
  /** Annual rate at most a multiple of the one-year LPR in force on the contract date. */
  LPR_MULTIPLE = 'LPR_MULTIPLE',
  /** No cap (lenders the judicial cap does not bind, e.g. licensed banks). */
  NONE = 'NONE',
}

registerEnumType(ProductKind, { name: 'ProductKind', description: 'Financing products of the desk' });
registerEnumType(FinancingStatus, { name: 'FinancingStatus' });
registerEnumType(FinancingAction, { name: 'FinancingAction', description: 'What a history entry of a deal records' });
registerEnumType(RepaymentMethod, { name: 'RepaymentMethod' });
registerEnumType(GuaranteeKind, { name: 'GuaranteeKind', description: 'What secures a deal; NONE is unsecured' });
registerEnumType(DelinquencyBucket, { name: 'DelinquencyBucket', description: 'Days past due, bucketed' });
registerEnumType(CreditLineStatus, { name: 'CreditLineStatus' });
registerEnumType(CreditLineChangeKind, { name: 'CreditLineChangeKind' });
registerEnumType(LedgerEntryKind, { name: 'LedgerEntryKind' });
