import { usccFromNumber } from '../clients/uscc.js';

/** Bodies are nine base-31 characters. */
const SPACE = 31n ** 9n;
// n ↦ (A·n + B) mod 31⁹ is a bijection (A is prime to 31): distinct numbers keep distinct
// codes, and the bodies look like registration numbers rather than zero-padded counters.
const A = 16_353_781_463_137n;
const B = 5_102_947_300_211n;

/**
 * The valid unified social credit code the seeds give to number `n` in `division`. The demo
 * numbers its clients below `DEMO_USCC_NUMBERS_BELOW`, the synthetic seed from there upwards,
 * so the two never share a code.
 */
export function seedUscc(n: number, division: string): string {
  return usccFromNumber(Number((BigInt(n) * A + B) % SPACE), division);
}
