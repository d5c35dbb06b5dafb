import { Decimal } from 'decimal.js';
import { Field, ObjectType } from 'type-graphql';
import { optionalText, requiredText } from '../core/text.js';
import { badInput } from '../core/errors.js';
import { DecimalScalar } from '../graphql/scalars.js';
import { GuaranteeKind } from './financing.enums.js';
import { moneyArg } from './money.js';

/** What secures a deal, as stored on it and kept in its history. Amounts are decimal strings. */
@ObjectType({ description: "What secures a deal; kind NONE (unsecured) has no guarantor" })
export class Guarantee {
  @Field(() => GuaranteeKind)
  kind!: GuaranteeKind;

  @Field(() => String, { nullable: true, description: 'Who guarantees, pledges or insures' })
  guarantor!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "Amount guaranteed, in the deal's currency; null when not stated" })
  amount!: string | null;

  @Field(() => String, { nullable: true })
  description!: string | null;
}

/** The shape a caller sends (GuaranteeInput). */
export interface GuaranteeRequest {
  kind: GuaranteeKind;
  guarantor?: string | null;
  amount?: Decimal | null;
  description?: string | null;
}

export const NO_GUARANTEE: Guarantee = { kind: GuaranteeKind.NONE, guarantor: null, amount: null, description: null };

/**
 * A guarantee as requested, checked: NONE carries nothing else; any other kind names its
 * guarantor, and may state an amount (money) and a description. `field` prefixes error names.
 */
export function guaranteeArg(field: string, g: GuaranteeRequest): Guarantee {
  if (g.kind === GuaranteeKind.NONE) {
    for (const key of ['guarantor', 'amount', 'description'] as const) {
      if (g[key] !== null && g[key] !== undefined) throw badInput(`${field}.${key}`, 'must be empty when kind is NONE (the deal becomes unsecured)');
    }
    return { ...NO_GUARANTEE };
  }
  return {
    kind: g.kind,
    guarantor: requiredText(`${field}.guarantor`, g.guarantor, 200),
    amount: g.amount === null || g.amount === undefined ? null : moneyArg(`${field}.amount`, g.amount).toFixed(2),
    description: optionalText(`${field}.description`, g.description, 500),
  };
}

export function sameGuarantee(a: Guarantee, b: Guarantee): boolean {
  const amounts = a.amount === null || b.amount === null ? a.amount === b.amount : new Decimal(a.amount).equals(b.amount);
  return a.kind === b.kind && a.guarantor === b.guarantor && amounts && a.description === b.description;
}

/** One line for histories and alert remediations: "CORPORATE_GUARANTEE by X for 500000.00 CNY". */
export function describeGuarantee(g: Guarantee, currency: string): string {
  if (g.kind === GuaranteeKind.NONE) return 'NONE';
  return `${g.kind} by ${g.guarantor ?? '?'}${g.amount ? ` for ${g.amount} ${currency}` : ''}`;
}

/** The columns of a deal that hold its guarantee. */
export interface GuaranteeColumns {
  guaranteeKind: GuaranteeKind;
  guarantor?: string | null;
  guaranteedAmount?: string | null;
  guaranteeDescription?: string | null;
}

export function guaranteeOf(f: GuaranteeColumns): Guarantee {
  return { kind: f.guaranteeKind, guarantor: f.guarantor ?? null, amount: f.guaranteedAmount ?? null, description: f.guaranteeDescription ?? null };
}

export function setGuarantee(f: GuaranteeColumns, g: Guarantee): void {
  f.guaranteeKind = g.kind;
  f.guarantor = g.guarantor;
  f.guaranteedAmount = g.amount;
  f.guaranteeDescription = g.description;
}
