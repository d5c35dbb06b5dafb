import { Decimal } from 'decimal.js';
import { badInput } from '../core/errors.js';

/** A period's financial statement, in one currency. */
export interface StatementFigures {
  totalAssets: Decimal;
  totalLiabilities: Decimal;
  currentAssets: Decimal;
  currentLiabilities: Decimal;
  retainedEarnings: Decimal;
  ebit: Decimal;
  revenue: Decimal;
  bookEquity: Decimal;
  /** Net cash from operating activities; null when the statement does not give it. */
  operatingCashFlow: Decimal | null;
}

export enum ZScoreZone {
  SAFE = 'SAFE',
  GREY = 'GREY',
  DISTRESS = 'DISTRESS',
}

export interface FinancialRatios {
  /** Total liabilities / total assets. */
  debtRatio: Decimal;
  /** Current assets / current liabilities. */
  currentRatio: Decimal;
  /** Operating cash flow / current liabilities; null without a cash-flow figure. */
  operatingCashFlowCoverage: Decimal | null;
  /** Altman Z″ (non-manufacturers and emerging markets). */
  zScore: Decimal;
  zone: ZScoreZone;
  components: { x1: Decimal; x2: Decimal; x3: Decimal; x4: Decimal };
}

/** Altman Z″ = 6.56·X1 + 3.26·X2 + 6.72·X3 + 1.05·X4. */
const Z_WEIGHTS = { x1: new Decimal('6.56'), x2: new Decimal('3.26'), x3: new Decimal('6.72'), x4: new Decimal('1.05') };
/** Zone bounds: SAFE above 2.6, GREY from 1.1 to 2.6, DISTRESS below 1.1. */
const SAFE_ABOVE = new Decimal('2.6');
const DISTRESS_BELOW = new Decimal('1.1');

export function zoneOf(z: Decimal): ZScoreZone {
  if (z.gt(SAFE_ABOVE)) return ZScoreZone.SAFE;
  if (z.lt(DISTRESS_BELOW)) return ZScoreZone.DISTRESS;
  return ZScoreZone.GREY;
}

/**
 * Refuses figures that would make a ratio undefined or meaningless, naming the input field:
 * ratios are never computed by dividing by zero.
 */
export function validateStatement(s: StatementFigures, prefix = 'input'): void {
  const positive: (keyof StatementFigures)[] = ['totalAssets', 'totalLiabilities', 'currentLiabilities'];
  for (const key of positive) {
    const v = s[key] as Decimal;
    if (!v.gt(0)) throw badInput(`${prefix}.${key}`, 'must be greater than zero (ratios divide by it)');
  }
  const nonNegative: (keyof StatementFigures)[] = ['currentAssets', 'revenue'];
  for (const key of nonNegative) {
    if ((s[key] as Decimal).isNegative()) throw badInput(`${prefix}.${key}`, 'must not be negative');
  }
  if (s.currentAssets.gt(s.totalAssets)) {
    throw badInput(`${prefix}.currentAssets`, 'cannot exceed totalAssets');
  }
  if (s.currentLiabilities.gt(s.totalLiabilities)) {
    throw badInput(`${prefix}.currentLiabilities`, 'cannot exceed totalLiabilities');
  }
}

/** Ratios of a validated statement (call `validateStatement` first). */
export function computeRatios(s: StatementFigures): FinancialRatios {
  const x1 = s.currentAssets.minus(s.currentLiabilities).div(s.totalAssets);
  const x2 = s.retainedEarnings.div(s.totalAssets);
  const x3 = s.ebit.div(s.totalAssets);
  const x4 = s.bookEquity.div(s.totalLiabilities);
  const zScore = Z_WEIGHTS.x1.times(x1).plus(Z_WEIGHTS.x2.times(x2)).plus(Z_WEIGHTS.x3.times(x3)).plus(Z_WEIGHTS.x4.times(x4));
  return {
    debtRatio: s.totalLiabilities.div(s.totalAssets),
    currentRatio: s.currentAssets.div(s.currentLiabilities),
    operatingCashFlowCoverage: s.operatingCashFlow ? s.operatingCashFlow.div(s.currentLiabilities) : null,
    zScore,
    zone: zoneOf(zScore),
    components: { x1, x2, x3, x4 },
  };
}
