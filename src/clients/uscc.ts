/**
 * Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from
 * `0-9 A-H J-N P-R T-U W-Y` (no I, O, Z, S, V). Position 18 is a check character:
 * C18 = 31 − (Σ Ci·Wi mod 31), with weights Wi = 3^(i−1) mod 31 for i = 1..17, and 31 read as 0.
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export type UsccProblem = 'length' | 'characters' | 'check';

/** The check character for the first 17 characters (which must be in the alphabet). */
export function usccCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = ALPHABET.indexOf(first17[i]!);
    if (v < 0) throw new RangeError(`not a USCC character: ${first17[i]}`);
    sum += v * WEIGHTS[i]!;
  }
  return ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** Null when `code` is valid; otherwise what is wrong with it. Expects upper case. */
export function usccProblem(code: string): UsccProblem | null {
  if (code.length !== 18) return 'length';
  for (const ch of code) if (!ALPHABET.includes(ch)) return 'characters';
  return usccCheckCharacter(code.slice(0, 17)) === code[17] ? null : 'check';
}

export const USCC_RULES: Record<UsccProblem, string> = {
  length: 'must be 18 characters (GB 32100-2015)',
  characters: 'may contain only digits and the capital letters A–H, J–N, P–R, T, U, W–Y',
  check: 'has a wrong check character (GB 32100-2015)',
};

/**
 * A valid code from a number, for seeds and tests: registration authority 9 (industry and
 * commerce), type 1 (enterprise), a six-digit division code and a nine-character body.
 */
export function usccFromNumber(n: number, division = '310000'): string {
  let body = '';
  let x = n;
  for (let i = 0; i < 9; i++) {
    body = ALPHABET[x % 31]! + body;
    x = Math.floor(x / 31);
  }
  const first17 = `91${division}${body}`;
  return first17 + usccCheckCharacter(first17);
}
