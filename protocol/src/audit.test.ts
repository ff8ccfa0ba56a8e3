import { describe, expect, it } from 'vitest';
import { canonicalJson, GENESIS_HASH, hashAuditEntry, verifyAuditChain, type AuditEntry } from './audit.ts';

async function chain(n: number): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const base = { seq, at: new Date(1_800_000_000_000 + seq * 1000).toISOString(), actor: seq % 2 ? 'agent' : 'bank:k1', action: 'test.step', detail: { n: seq, nested: { b: 1, a: [1, 'x'] } }, from: seq === 2 ? '203.0.113.9' : null, prevHash: prev };
    const hash = await hashAuditEntry(base);
    out.push({ ...base, hash });
    prev = hash;
  }
  return out;
}

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[2,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson('x')).toBe('"x"');
    expect(canonicalJson(null)).toBe('null');
  });
});

describe('verifyAuditChain', () => {
  it('accepts an intact chain and returns its head', async () => {
    const entries = await chain(5);
    expect(await verifyAuditChain(entries)).toEqual({ ok: true, head: entries[4]!.hash });
    expect(await verifyAuditChain([])).toEqual({ ok: true, head: GENESIS_HASH });
    expect(await verifyAuditChain(entries, entries[4]!.hash)).toMatchObject({ ok: true });
  });

  it('detects any altered field of any entry', async () => {
    const entries = await chain(4);
    const mutations: Array<(e: AuditEntry) => AuditEntry> = [
      (e) => ({ ...e, at: new Date(0).toISOString() }),
      (e) => ({ ...e, actor: 'system' }),
      (e) => ({ ...e, action: 'other' }),
      (e) => ({ ...e, detail: { ...e.detail, n: 99 } }),
      (e) => ({ ...e, from: '198.51.100.1' }),
    ];
    for (let i = 0; i < entries.length; i++) {
      for (const mutate of mutations) {
        const copy = entries.slice();
        copy[i] = mutate(copy[i]!);
        expect(await verifyAuditChain(copy)).toMatchObject({ ok: false, seq: i + 1, problem: 'hash' });
      }
    }
  });

  it('detects a re-hashed entry (its successor no longer follows)', async () => {
    const entries = await chain(3);
    const forged = { ...entries[1]!, actor: 'system' };
    forged.hash = await hashAuditEntry(forged);
    expect(await verifyAuditChain([entries[0]!, forged, entries[2]!])).toMatchObject({ ok: false, seq: 3, problem: 'prev_hash' });
  });

  it('detects removed, reordered and truncated entries', async () => {
    const entries = await chain(4);
    expect(await verifyAuditChain([entries[0]!, entries[2]!, entries[3]!])).toMatchObject({ ok: false, problem: 'sequence' });
    expect(await verifyAuditChain([entries[1]!, entries[0]!, entries[2]!, entries[3]!])).toMatchObject({ ok: false, problem: 'sequence' });
    const renumbered = [entries[0]!, { ...entries[2]!, seq: 2 }];
    expect(await verifyAuditChain(renumbered)).toMatchObject({ ok: false, seq: 2 });
    expect(await verifyAuditChain(entries.slice(0, 3), entries[3]!.hash)).toMatchObject({ ok: false, problem: 'head' });
  });
});
