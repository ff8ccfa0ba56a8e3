import { describe, expect, it } from 'vitest';
import { generateOneTimeCode } from './one-time-code.ts';
import {
  categoryCount,
  DEFAULT_SECURITY_FEATURES,
  drawSecurityFeatures,
  SecurityFeatureCatalog,
  type SecurityFeature,
} from './security-features.ts';
import { randomBelow, sampleIndexes, type RandomSource } from './session-random.ts';

/*
 * Issue 15's random draws: uniform, without modulo bias, never repeating a category within a
 * session. The seed lives only here: production draws from crypto.getRandomValues.
 */

/** sfc32, a small seeded generator: deterministic test runs, never used outside tests. */
function seeded(seed: number): RandomSource {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) next();
  return (words) => {
    for (let i = 0; i < words.length; i++) words[i] = next();
    return words;
  };
}

/** Pearson's chi-square statistic of observed counts against equal expectations. */
function chiSquare(counts: number[]): number {
  const total = counts.reduce((s, n) => s + n, 0);
  const expected = total / counts.length;
  return counts.reduce((s, n) => s + (n - expected) ** 2 / expected, 0);
}

// Critical values at p = 0.001: a fair draw exceeds them once in a thousand seeds.
const CHI2_0_001 = { 9: 27.88, 4: 18.47 } as const;

describe('randomBelow', () => {
  it('redraws the words that would bias a modulo instead of folding them', () => {
    // 2^32 - 1 is the one word at or above the largest multiple of 3: it must be redrawn.
    const words = [0xffffffff, 0xffffffff, 7];
    const source: RandomSource = (w) => {
      w[0] = words.shift()!;
      return w;
    };
    expect(randomBelow(3, source)).toBe(7 % 3);
    expect(words).toEqual([]);
  });

  it('is uniform over a bound that does not divide 2^32', () => {
    const random = seeded(1);
    const counts = Array.from({ length: 10 }, () => 0);
    for (let i = 0; i < 50_000; i++) counts[randomBelow(10, random)]! += 1;
    expect(chiSquare(counts)).toBeLessThan(CHI2_0_001[9]);
  });

  it('refuses a bound outside 1..2^32', () => {
    expect(() => randomBelow(0)).toThrow(RangeError);
    expect(() => randomBelow(1.5)).toThrow(RangeError);
    expect(randomBelow(1)).toBe(0);
  });

  it('samples distinct indexes', () => {
    const random = seeded(2);
    for (let i = 0; i < 200; i++) {
      const drawn = sampleIndexes(7, 4, random);
      expect(new Set(drawn).size).toBe(4);
      expect(drawn.every((x) => x >= 0 && x < 7)).toBe(true);
    }
    expect(() => sampleIndexes(2, 3)).toThrow(RangeError);
  });
});

describe('drawSecurityFeatures', () => {
  const card = DEFAULT_SECURITY_FEATURES['kr-resident-card']!;

  it('never repeats a feature or a category within a session, and draws the number asked', () => {
    const random = seeded(3);
    for (let i = 0; i < 2000; i++) {
      const drawn = drawSecurityFeatures(card, 3, random);
      expect(drawn).toHaveLength(3);
      expect(new Set(drawn.map((f) => f.id)).size).toBe(3);
      expect(new Set(drawn.map((f) => f.category)).size).toBe(3);
    }
    // Fewer categories than asked: one of each, no more.
    expect(drawSecurityFeatures(card, 5 + 1, random)).toHaveLength(categoryCount(card));
  });

  it('is uniform: over 20,000 seeded draws every category set and every feature comes up as often as it should', () => {
    const random = seeded(4);
    const runs = 20_000;
    const perFeature = new Map<string, number>();
    const perSet = new Map<string, number>();
    for (let i = 0; i < runs; i++) {
      const drawn = drawSecurityFeatures(card, 3, random);
      for (const f of drawn) perFeature.set(f.id, (perFeature.get(f.id) ?? 0) + 1);
      const set = drawn.map((f) => f.category).sort().join('+');
      perSet.set(set, (perSet.get(set) ?? 0) + 1);
    }
    // 5 categories, 3 drawn: the 10 sets equally likely.
    expect(perSet.size).toBe(10);
    expect(chiSquare([...perSet.values()])).toBeLessThan(CHI2_0_001[9]);
    // A category comes up in 3/5 of the sessions, its features share that equally.
    const byCategory = new Map<string, SecurityFeature[]>();
    for (const f of card) byCategory.set(f.category, [...(byCategory.get(f.category) ?? []), f]);
    for (const f of card) {
      const expected = (3 / 5 / byCategory.get(f.category)!.length) * runs;
      // About 6 standard deviations at these counts: a biased draw misses, a fair one never does.
      expect(Math.abs(perFeature.get(f.id)! - expected), f.id).toBeLessThan(0.05 * runs * 0.6);
    }
  });

  it("does not favour the catalog's first entries (a modulo or a sort would)", () => {
    const random = seeded(5);
    const five = Array.from({ length: 5 }, (_, i): SecurityFeature => ({ id: `f${i}`, category: 'print', show: 'zoom', ko: '가', en: 'a' }));
    const counts = Array.from({ length: 5 }, () => 0);
    for (let i = 0; i < 10_000; i++) counts[Number(drawSecurityFeatures(five, 1, random)[0]!.id.slice(1))]! += 1;
    expect(chiSquare(counts)).toBeLessThan(CHI2_0_001[4]);
  });
});

describe('the catalog', () => {
  it('validates the default: every document type has five categories', () => {
    expect(SecurityFeatureCatalog.safeParse(DEFAULT_SECURITY_FEATURES).success).toBe(true);
    for (const features of Object.values(DEFAULT_SECURITY_FEATURES)) expect(categoryCount(features)).toBeGreaterThanOrEqual(5);
  });

  it('has every default feature in Chinese too; a configured one may leave Chinese out', () => {
    for (const features of Object.values(DEFAULT_SECURITY_FEATURES)) {
      for (const f of features) expect(f.zh, f.id).toMatch(/\p{Script=Han}/u);
    }
    expect(SecurityFeatureCatalog.safeParse({ passport: [{ id: 'x_hologram', category: 'hologram', show: 'tilt', ko: '홀로그램', en: 'Hologram' }] }).success).toBe(true);
  });

  it('refuses an unknown document type, category or way of showing, repeated ids, missing labels and extra fields', () => {
    const ok: SecurityFeature = { id: 'x_hologram', category: 'hologram', show: 'tilt', ko: '홀로그램', en: 'Hologram' };
    const bad = [
      { unknown: [ok] },
      { passport: [] },
      { passport: [{ ...ok, category: 'uv' }] },
      { passport: [{ ...ok, show: 'shake' }] },
      { passport: [ok, ok] },
      { passport: [{ ...ok, ko: ' ' }] },
      { passport: [{ ...ok, id: 'Bad-Id' }] },
      { passport: [{ ...ok, colour: 'gold' }] },
    ];
    for (const catalog of bad) expect(SecurityFeatureCatalog.safeParse(catalog).success, JSON.stringify(catalog)).toBe(false);
    expect(SecurityFeatureCatalog.safeParse({ passport: [ok] }).success).toBe(true);
  });
});

describe('generateOneTimeCode', () => {
  it('gives six digits, leading zeros kept, every digit uniform', () => {
    const random = seeded(6);
    const counts = Array.from({ length: 10 }, () => 0);
    let leadingZero = 0;
    for (let i = 0; i < 20_000; i++) {
      const code = generateOneTimeCode(random);
      expect(code).toMatch(/^\d{6}$/);
      if (code.startsWith('0')) leadingZero += 1;
      for (const d of code) counts[Number(d)]! += 1;
    }
    expect(chiSquare(counts)).toBeLessThan(CHI2_0_001[9]);
    expect(leadingZero).toBeGreaterThan(1500);
  });
});
