import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { ClientKind, CreditRating, VolatilityClass } from '../clients/client.enums.js';
import { computeRatios, validateStatement, ZScoreZone, zoneOf, type StatementFigures } from './ratios.js';
import { DIMENSION_WEIGHTS, RISK_MODEL_VERSION, scoreClient, Tier, type RiskInputs } from './scoring.js';

const d = (v: string | number) => new Decimal(v);

const healthy: StatementFigures = {
  totalAssets: d('1000000'),
  totalLiabilities: d('400000'),
  currentAssets: d('500000'),
  currentLiabilities: d('200000'),
  retainedEarnings: d('300000'),
  ebit: d('150000'),
  revenue: d('1200000'),
  bookEquity: d('600000'),
  operatingCashFlow: d('120000'),
};

const inputs = (over: Partial<RiskInputs> = {}, statement: StatementFigures | null = healthy): RiskInputs => ({
  kind: ClientKind.SUPPLIER,
  volatility: VolatilityClass.MATURE,
  rating: CreditRating.AA,
  financials: statement ? { ...computeRatios(statement), operatingCashFlow: statement.operatingCashFlow } : null,
  repayment: { deals: 4, maxDpd12m: 0, maxDpd36m: 0, defaultsIn36m: 0 },
  operational: { shipments: 40, exceptions: 0, delayed: 1 },
  largestConcentrationShare: 0.25,
  distressIn36m: false,
  ...over,
});

describe('computeRatios', () => {
  it("computes Altman's Z″ from its four components", () => {
    const r = computeRatios(healthy);
    // X1 = 0.3, X2 = 0.3, X3 = 0.15, X4 = 1.5 → 6.56·0.3 + 3.26·0.3 + 6.72·0.15 + 1.05·1.5
    expect(r.components.x1.toString()).toBe('0.3');
    expect(r.components.x4.toString()).toBe('1.5');
    expect(r.zScore.toFixed(4)).toBe('5.5290');
    expect(r.zone).toBe(ZScoreZone.SAFE);
    expect(r.debtRatio.toString()).toBe('0.4');
    expect(r.currentRatio.toString()).toBe('2.5');
    expect(r.operatingCashFlowCoverage!.toString()).toBe('0.6');
  });

  it('places zones at the published bounds: SAFE above 2.6, GREY 1.1–2.6, DISTRESS below 1.1', () => {
    expect(zoneOf(d('2.61'))).toBe(ZScoreZone.SAFE);
    expect(zoneOf(d('2.6'))).toBe(ZScoreZone.GREY);
    expect(zoneOf(d('1.1'))).toBe(ZScoreZone.GREY);
    expect(zoneOf(d('1.09'))).toBe(ZScoreZone.DISTRESS);
  });

  it('refuses figures that would divide by zero, naming the field', () => {
    expect(() => validateStatement({ ...healthy, totalAssets: d(0) })).toThrow(/input\.totalAssets: must be greater than zero/);
    expect(() => validateStatement({ ...healthy, totalLiabilities: d(0) })).toThrow(/input\.totalLiabilities/);
    expect(() => validateStatement({ ...healthy, currentLiabilities: d(0) })).toThrow(/input\.currentLiabilities/);
    expect(() => validateStatement({ ...healthy, currentAssets: d('2000000') })).toThrow(/cannot exceed totalAssets/);
    expect(() => validateStatement(healthy)).not.toThrow();
  });
});

describe('scoreClient', () => {
  it('explains the score by weighted dimensions that add up to it', () => {
    const r = scoreClient(inputs());
    expect(Object.values(DIMENSION_WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    const sum = r.dimensions.reduce((s, x) => s + x.score * x.weight, 0);
    expect(r.score).toBeCloseTo(sum, 1);
    expect(r.dimensions).toHaveLength(6);
    expect(r.modelVersion).toBe(RISK_MODEL_VERSION);
    expect(r.tier).toBe(Tier.PREMIUM);
  });

  it('asks a volatile industry for a higher score for the same tier', () => {
    // A moderate balance sheet (Z″ in the grey zone, 60% debt) that scores just above 75 when mature.
    const moderate: StatementFigures = {
      ...healthy,
      totalLiabilities: d('600000'),
      currentAssets: d('400000'),
      currentLiabilities: d('300000'),
      retainedEarnings: d('100000'),
      ebit: d('60000'),
      bookEquity: d('400000'),
      operatingCashFlow: d('50000'),
    };
    const mature = scoreClient(inputs({ rating: CreditRating.BBB }, moderate));
    const volatile = scoreClient(inputs({ rating: CreditRating.BBB, volatility: VolatilityClass.VOLATILE }, moderate));
    expect(mature.score).toBeGreaterThanOrEqual(75);
    expect(volatile.score).toBeLessThan(82);
    expect(mature.tier).toBe(Tier.PREMIUM);
    expect(volatile.tier).toBe(Tier.STANDARD);
    expect(volatile.reasons[0]).toMatch(/volatile-industry thresholds \(premium 82/);
  });

  it('keeps a supplier out of premium with negative operating cash flow, a debt ratio over 70% or a 30+ day delinquency', () => {
    const negative = scoreClient(inputs({}, { ...healthy, operatingCashFlow: d('-1') }));
    expect(negative.tier).toBe(Tier.STANDARD);
    expect(negative.reasons.join(' ')).toMatch(/positive operating cash flow/);
    const late = scoreClient(inputs({ repayment: { deals: 4, maxDpd12m: 31, maxDpd36m: 31, defaultsIn36m: 0 } }));
    expect(late.tier).not.toBe(Tier.PREMIUM);
    const leveraged = scoreClient(
      inputs({ rating: CreditRating.AAA }, { ...healthy, totalLiabilities: d('710000'), bookEquity: d('290000') }),
    );
    expect(leveraged.reasons.join(' ')).toMatch(/debt ratio of at most 70% \(it is 71%\)/);
    expect(leveraged.tier).not.toBe(Tier.PREMIUM);
  });

  it('keeps a core enterprise out of premium after a major event, unless it is rated AAA', () => {
    const core = { kind: ClientKind.CORE_ENTERPRISE, distressIn36m: true };
    expect(scoreClient(inputs({ ...core, rating: CreditRating.AA })).tier).toBe(Tier.STANDARD);
    expect(scoreClient(inputs({ ...core, rating: CreditRating.AAA })).tier).toBe(Tier.PREMIUM);
  });

  it('scores a client with a default and a distressed balance sheet as subprime, saying why', () => {
    const distressed: StatementFigures = { ...healthy, currentAssets: d('100000'), currentLiabilities: d('380000'), retainedEarnings: d('-200000'), ebit: d('-50000'), totalLiabilities: d('950000'), bookEquity: d('50000') };
    const r = scoreClient(inputs({ rating: CreditRating.CCC, repayment: { deals: 2, maxDpd12m: 120, maxDpd36m: 120, defaultsIn36m: 1 } }, distressed));
    expect(r.tier).toBe(Tier.SUBPRIME);
    expect(r.reasons.join(' ')).toMatch(/weak repayment: 1 default/);
  });
});
