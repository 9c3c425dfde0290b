import { describe, expect, it } from '@jest/globals';
import { randomAlphanumeric } from './random-alphanumeric.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

describe('randomAlphanumeric', () => {
  it('gives exactly `length` characters of a-zA-Z0-9', () => {
    expect(randomAlphanumeric(0)).toBe('');
    expect(randomAlphanumeric(1)).toMatch(/^[A-Za-z0-9]$/);
    expect(randomAlphanumeric(500)).toMatch(/^[A-Za-z0-9]{500}$/);
  });

  it('maps bytes below 248 onto the alphabet and drops the others', () => {
    const batches = [
      [255, 248, 0, 61],
      [62, 249],
      [247, 123],
    ];
    const source = () => Uint8Array.from(batches.shift() ?? []);
    // 0 → A, 61 → 9, 62 → A, 247 → 9; 248 and up never count, so the source is asked again.
    expect(randomAlphanumeric(4, source)).toBe('A9A9');
    expect(batches).toHaveLength(0);
  });

  it('draws every character equally often (chi-square, 61 degrees of freedom)', () => {
    const perCharacter = 2000;
    const counts = new Map<string, number>();
    for (const c of randomAlphanumeric(ALPHABET.length * perCharacter)) {
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    expect([...counts.keys()].sort().join('')).toBe([...ALPHABET].sort().join(''));
    const chiSquare = [...counts.values()].reduce(
      (sum, n) => sum + (n - perCharacter) ** 2 / perCharacter,
      0,
    );
    // Fair: about 61 ± 11, above 150 less than once in 10^12 runs. `byte % 62` over all 256
    // bytes gives about 800 here.
    expect(chiSquare).toBeLessThan(150);
  });
});
