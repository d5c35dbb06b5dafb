import { describe, expect, it } from 'vitest';
import { USCC_RULES, usccCheckCharacter, usccFromNumber, usccProblem } from './uscc.js';

// Codes published on the business licences of well-known enterprises.
const REAL_CODES = ['914403001922038216', '91440300708461136T', '91110000802100433B', '91350100M000100Y43'];

describe('usccProblem', () => {
  it('accepts published codes, including ones ending in a digit or a letter', () => {
    for (const code of REAL_CODES) expect(usccProblem(code)).toBeNull();
  });

  it('refuses a code with a wrong check character', () => {
    for (const code of REAL_CODES) {
      const wrong = code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
      expect(usccProblem(wrong)).toBe('check');
    }
  });

  it('catches a single mistyped character and two swapped ones', () => {
    const code = REAL_CODES[0]!;
    const typo = `${code.slice(0, 5)}${code[5] === '3' ? '4' : '3'}${code.slice(6)}`;
    expect(usccProblem(typo)).toBe('check');
    const swapped = `${code.slice(0, 8)}${code[9]}${code[8]}${code.slice(10)}`;
    expect(code[8]).not.toBe(code[9]);
    expect(usccProblem(swapped)).toBe('check');
  });

  it('refuses a code that is not 18 characters long', () => {
    expect(usccProblem('')).toBe('length');
    expect(usccProblem(REAL_CODES[0]!.slice(0, 17))).toBe('length');
    expect(usccProblem(`${REAL_CODES[0]}0`)).toBe('length');
  });

  it('refuses the letters GB 32100 leaves out (I, O, S, V, Z) and lower case', () => {
    for (const letter of ['I', 'O', 'S', 'V', 'Z']) {
      expect(usccProblem(`91440300${letter}08461136T`)).toBe('characters');
    }
    expect(usccProblem('91310000ma1fl1mmxl')).toBe('characters');
    expect(USCC_RULES.characters).toMatch(/A–H, J–N, P–R, T, U, W–Y/);
  });
});

describe('usccCheckCharacter', () => {
  it('reads a remainder of 31 as 0', () => {
    // Search a body whose weighted sum is a multiple of 31: its check character must be "0".
    let found = false;
    for (let n = 0; n < 2000 && !found; n++) {
      const code = usccFromNumber(n);
      if (code.endsWith('0')) {
        found = true;
        expect(usccProblem(code)).toBeNull();
      }
    }
    expect(found).toBe(true);
  });

  it('throws on a character outside the alphabet', () => {
    expect(() => usccCheckCharacter('9144030070846113I')).toThrow(RangeError);
  });
});

describe('usccFromNumber', () => {
  it('makes distinct valid codes', () => {
    const codes = new Set<string>();
    for (let n = 0; n < 500; n++) {
      const code = usccFromNumber(n * 97);
      expect(usccProblem(code)).toBeNull();
      codes.add(code);
    }
    expect(codes.size).toBe(500);
  });
});
