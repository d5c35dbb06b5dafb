import 'reflect-metadata';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../core/errors.js';
import { GuaranteeKind } from './financing.enums.js';
import { describeGuarantee, guaranteeArg, NO_GUARANTEE, sameGuarantee } from './guarantee.js';

const fieldOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e.field;
    throw e;
  }
  return undefined;
};

describe('guaranteeArg', () => {
  it('keeps a guarantee with its guarantor, amount in cents and description, trimmed', () => {
    expect(guaranteeArg('g', { kind: GuaranteeKind.CORPORATE_GUARANTEE, guarantor: ' Meikang Group ', amount: new Decimal('500000'), description: ' parent ' })).toEqual({
      kind: GuaranteeKind.CORPORATE_GUARANTEE,
      guarantor: 'Meikang Group',
      amount: '500000.00',
      description: 'parent',
    });
  });

  it('names the field of what is missing or wrong', () => {
    expect(fieldOf(() => guaranteeArg('input.guarantee', { kind: GuaranteeKind.COLLATERAL, guarantor: ' ' }))).toBe('input.guarantee.guarantor');
    expect(fieldOf(() => guaranteeArg('input.guarantee', { kind: GuaranteeKind.COLLATERAL, guarantor: 'x', amount: new Decimal('-1') }))).toBe('input.guarantee.amount');
    expect(fieldOf(() => guaranteeArg('input.guarantee', { kind: GuaranteeKind.COLLATERAL, guarantor: 'x', amount: new Decimal('1.001') }))).toBe('input.guarantee.amount');
    expect(fieldOf(() => guaranteeArg('r.guarantee', { kind: GuaranteeKind.NONE, guarantor: 'someone' }))).toBe('r.guarantee.guarantor');
  });

  it('takes NONE alone: the deal becomes unsecured', () => {
    expect(guaranteeArg('g', { kind: GuaranteeKind.NONE })).toEqual(NO_GUARANTEE);
  });
});

describe('sameGuarantee', () => {
  const g = { kind: GuaranteeKind.PERSONAL_GUARANTEE, guarantor: 'Li Wei', amount: '100000.00', description: null };
  it('compares amounts as decimals', () => {
    expect(sameGuarantee(g, { ...g, amount: '100000' })).toBe(true);
    expect(sameGuarantee(g, { ...g, amount: null })).toBe(false);
    expect(sameGuarantee(g, { ...g, guarantor: 'Li Na' })).toBe(false);
    expect(sameGuarantee(NO_GUARANTEE, { ...NO_GUARANTEE })).toBe(true);
  });
  it('describes a guarantee in one line', () => {
    expect(describeGuarantee(g, 'CNY')).toBe('PERSONAL_GUARANTEE by Li Wei for 100000.00 CNY');
    expect(describeGuarantee(NO_GUARANTEE, 'CNY')).toBe('NONE');
  });
});
