import type { Decimal } from 'decimal.js';
import { ClientKind, CreditRating, VolatilityClass } from '../clients/client.enums.js';
import { ZScoreZone, type FinancialRatios } from './ratios.js';

/** Recorded on every assessment, so that a score can be traced to the rules that made it. */
export const RISK_MODEL_VERSION = 'scf-risk-2026.11';

export enum Tier {
  PREMIUM = 'PREMIUM',
  STANDARD = 'STANDARD',
  SUBPRIME = 'SUBPRIME',
}

export enum RiskDimension {
  FINANCIAL = 'FINANCIAL',
  REPAYMENT = 'REPAYMENT',
  OPERATIONAL = 'OPERATIONAL',
  INDUSTRY = 'INDUSTRY',
  CONCENTRATION = 'CONCENTRATION',
  EXTERNAL_RATING = 'EXTERNAL_RATING',
}

/** Weights sum to 1; a dimension's contribution is weight × its 0–100 score. */
export const DIMENSION_WEIGHTS: Record<RiskDimension, number> = {
  FINANCIAL: 0.3,
  REPAYMENT: 0.25,
  OPERATIONAL: 0.1,
  INDUSTRY: 0.1,
  CONCENTRATION: 0.1,
  EXTERNAL_RATING: 0.15,
};

/** Minimum score per tier; volatile industries must score higher for the same tier. */
export const TIER_THRESHOLDS: Record<VolatilityClass, { premium: number; standard: number }> = {
  MATURE: { premium: 75, standard: 55 },
  VOLATILE: { premium: 82, standard: 62 },
};

export interface RiskInputs {
  kind: ClientKind;
  volatility: VolatilityClass;
  rating: CreditRating | null;
  /** Ratios of the latest statement, and its operating cash flow; null without a statement. */
  financials: (Omit<FinancialRatios, 'components'> & { operatingCashFlow: Decimal | null }) | null;
  repayment: {
    /** Deals the client has had; 0 means no history. */
    deals: number;
    /** Worst days past due in the last 12 months / 3 years. */
    maxDpd12m: number;
    maxDpd36m: number;
    defaultsIn36m: number;
  };
  /** Shipments of the client's goods (for a logistics provider: what it carried) in the window. */
  operational: { shipments: number; exceptions: number; delayed: number };
  /** Share (0–1) of the largest debtor or core enterprise in the client's exposure; null if none. */
  largestConcentrationShare: number | null;
  /** A Z″ in the DISTRESS zone in the last three years (from older statements). */
  distressIn36m: boolean;
}

export interface DimensionScore {
  dimension: RiskDimension;
  weight: number;
  score: number;
  contribution: number;
  detail: string;
}

export interface RiskResult {
  score: number;
  tier: Tier;
  dimensions: DimensionScore[];
  reasons: string[];
  modelVersion: string;
}

const clamp = (v: number) => Math.max(0, Math.min(100, v));
/** Linear from `at0` (score 0) to `at100` (score 100), clamped; works for either direction. */
const scale = (v: number, at0: number, at100: number) => clamp(((v - at0) / (at100 - at0)) * 100);
const round1 = (v: number) => Math.round(v * 10) / 10;
const pct = (v: number) => `${round1(v * 100)}%`;

const RATING_SCORES: Record<CreditRating, number> = {
  AAA: 100,
  AA: 90,
  A: 80,
  BBB: 65,
  BB: 50,
  B: 35,
  CCC: 20,
  CC: 10,
  C: 5,
  D: 0,
};

function zScorePoints(z: number): number {
  if (z < 1.1) return scale(z, 0, 1.1) * 0.4;
  if (z <= 2.6) return 40 + ((z - 1.1) / 1.5) * 30;
  return 70 + scale(z, 2.6, 5) * 0.3;
}

function financial(i: RiskInputs): Omit<DimensionScore, 'weight' | 'contribution'> {
  const f = i.financials;
  if (!f) return { dimension: RiskDimension.FINANCIAL, score: 40, detail: 'no financial statement on file' };
  const z = f.zScore.toNumber();
  const debt = f.debtRatio.toNumber();
  const current = f.currentRatio.toNumber();
  const score = 0.5 * zScorePoints(z) + 0.3 * scale(debt, 0.9, 0.4) + 0.2 * scale(current, 0.8, 2);
  return {
    dimension: RiskDimension.FINANCIAL,
    score,
    detail: `Z″ ${z.toFixed(2)} (${f.zone}), debt ratio ${pct(debt)}, current ratio ${current.toFixed(2)}`,
  };
}

function repayment(i: RiskInputs): Omit<DimensionScore, 'weight' | 'contribution'> {
  const r = i.repayment;
  if (r.defaultsIn36m > 0) return { dimension: RiskDimension.REPAYMENT, score: 0, detail: `${r.defaultsIn36m} default(s) in three years` };
  if (r.deals === 0) return { dimension: RiskDimension.REPAYMENT, score: 70, detail: 'no repayment history yet' };
  const d = r.maxDpd12m;
  const score = d === 0 ? 100 : d <= 30 ? 75 : d <= 60 ? 50 : d <= 90 ? 25 : 10;
  return {
    dimension: RiskDimension.REPAYMENT,
    score,
    detail: d === 0 ? 'always paid on time in the last 12 months' : `up to ${d} days past due in the last 12 months`,
  };
}

function operational(i: RiskInputs): Omit<DimensionScore, 'weight' | 'contribution'> {
  const o = i.operational;
  const who = i.kind === ClientKind.LOGISTICS_PROVIDER ? 'shipments it carried' : 'its shipments';
  if (o.shipments < 5) return { dimension: RiskDimension.OPERATIONAL, score: 70, detail: `too few ${who} to judge (${o.shipments})` };
  const exceptionRate = o.exceptions / o.shipments;
  const delayRate = o.delayed / o.shipments;
  return {
    dimension: RiskDimension.OPERATIONAL,
    score: clamp(100 - 250 * exceptionRate - 150 * delayRate),
    detail: `${pct(exceptionRate)} exceptions and ${pct(delayRate)} delays among ${o.shipments} ${who}`,
  };
}

function industry(i: RiskInputs): Omit<DimensionScore, 'weight' | 'contribution'> {
  return i.volatility === VolatilityClass.MATURE
    ? { dimension: RiskDimension.INDUSTRY, score: 80, detail: 'mature industry' }
    : { dimension: RiskDimension.INDUSTRY, score: 50, detail: 'volatile industry' };
}

function concentration(i: RiskInputs): Omit<DimensionScore, 'weight' | 'contribution'> {
  const s = i.largestConcentrationShare;
  if (s === null) return { dimension: RiskDimension.CONCENTRATION, score: 80, detail: 'no concentrated exposure' };
  return { dimension: RiskDimension.CONCENTRATION, score: scale(s, 0.9, 0.3), detail: `largest counterparty is ${pct(s)} of exposure` };
}

function rating(i: RiskInputs): Omit<DimensionScore, 'weight' | 'contribution'> {
  if (!i.rating) return { dimension: RiskDimension.EXTERNAL_RATING, score: 40, detail: 'not rated' };
  return { dimension: RiskDimension.EXTERNAL_RATING, score: RATING_SCORES[i.rating], detail: `rated ${i.rating}` };
}

/**
 * The seed document's screening rules, as gates on top of the score: each returns why a
 * client may not be PREMIUM, or null when it may.
 */
function premiumGate(i: RiskInputs): string | null {
  if (i.kind === ClientKind.CORE_ENTERPRISE) {
    if (i.rating === CreditRating.AAA) return null;
    const events: string[] = [];
    if (i.repayment.defaultsIn36m > 0) events.push('a default');
    if (i.distressIn36m || i.financials?.zone === ZScoreZone.DISTRESS) events.push('a Z″ in the distress zone');
    if (i.repayment.maxDpd36m > 90) events.push('more than 90 days past due');
    return events.length
      ? `a core enterprise without an AAA rating is not premium after a major financial-risk event in three years (${events.join(', ')})`
      : null;
  }
  if (i.kind === ClientKind.SUPPLIER) {
    const f = i.financials;
    if (!f || !f.operatingCashFlow) return 'a supplier is premium only with a statement showing operating cash flow';
    if (!f.operatingCashFlow.gt(0)) return 'a supplier is premium only with positive operating cash flow';
    if (f.debtRatio.gt(0.7)) return `a supplier is premium only with a debt ratio of at most 70% (it is ${pct(f.debtRatio.toNumber())})`;
    if (i.repayment.maxDpd12m > 30) return `a supplier is premium only without delinquency beyond 30 days in twelve months (it had ${i.repayment.maxDpd12m})`;
  }
  return null;
}

/** Scores a client: pure, deterministic, and explained dimension by dimension. */
export function scoreClient(i: RiskInputs): RiskResult {
  const dimensions = [financial(i), repayment(i), operational(i), industry(i), concentration(i), rating(i)].map((d) => {
    const weight = DIMENSION_WEIGHTS[d.dimension];
    return { ...d, score: round1(d.score), weight, contribution: round1(d.score * weight) };
  });
  const score = round1(dimensions.reduce((sum, d) => sum + d.score * d.weight, 0));
  const thresholds = TIER_THRESHOLDS[i.volatility];
  const reasons: string[] = [];
  let tier = score >= thresholds.premium ? Tier.PREMIUM : score >= thresholds.standard ? Tier.STANDARD : Tier.SUBPRIME;
  reasons.push(
    `score ${score} against ${i.volatility === VolatilityClass.VOLATILE ? 'volatile-industry' : 'mature-industry'} thresholds ` +
      `(premium ${thresholds.premium}, standard ${thresholds.standard})`,
  );
  if (tier === Tier.PREMIUM) {
    const gate = premiumGate(i);
    if (gate) {
      tier = Tier.STANDARD;
      reasons.push(gate);
    }
  }
  // The two weakest dimensions, in words, are what a person acts on.
  for (const d of [...dimensions].sort((a, b) => a.score - b.score).slice(0, 2)) {
    if (d.score < 60) reasons.push(`weak ${d.dimension.toLowerCase().replace('_', ' ')}: ${d.detail}`);
  }
  return { score, tier, dimensions, reasons, modelVersion: RISK_MODEL_VERSION };
}
