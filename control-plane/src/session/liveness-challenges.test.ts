import { MAX_CHALLENGES, type ChallengeResult, type RandomSource } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { NOW, session } from '../../test/conduct-harness.ts';
import { buildAssessment, assessmentVersion } from '../evidence/evidence-assessment.ts';
import { manifestReview } from '../evidence/evidence-pack.ts';
import { issueStep, resultStep, welcomeChallenges } from './liveness-challenges.ts';

/*
 * Liveness challenges (issue 15): the session's rules (who may issue and report, one result per
 * issue, the cap) and the relay applying them: what is stored, audited and sent to which page, and
 * what the sealed assessment and the manifest's review carry.
 */

const at = new Date(NOW).toISOString();
const counter = (): RandomSource => {
  let n = 0;
  return (words) => {
    for (let i = 0; i < words.length; i++) words[i] = (n++ * 2654435761) >>> 0;
    return words;
  };
};
const result = (id: string, outcome: 'done' | 'failed' = 'done'): ChallengeResult => ({
  id,
  outcome,
  startedAt: '2026-12-01T10:00:01.000Z',
  endedAt: '2026-12-01T10:00:05.000Z',
  figures: { yawPeak: 27.5, frames: 18 },
  hints: { real: 0.8, live: 0.9 },
});

describe('liveness challenge rules', () => {
  it('draws 2-3 distinct actions with fresh ids, or issues the chosen one; agent only, in the call', () => {
    const drawn = issueStep({ state: 'in_call' }, 'agent', {}, at, counter());
    if (!drawn.ok) throw new Error(drawn.message);
    expect(drawn.issued.length).toBeGreaterThanOrEqual(2);
    expect(new Set(drawn.issued.map((c) => c.action)).size).toBe(drawn.issued.length);
    expect(new Set(drawn.issued.map((c) => c.id)).size).toBe(drawn.issued.length);
    expect(drawn.issued.every((c) => c.origin === 'drawn' && /^[0-9a-f]{16}$/.test(c.id) && c.issuedAt === at)).toBe(true);

    const chosen = issueStep({ state: 'in_call', challenges: drawn.issued }, 'agent', { action: 'look_up', replaces: drawn.issued[0]!.id }, at);
    expect(chosen).toMatchObject({ ok: true, issued: [{ action: 'look_up', origin: 'chosen', replaces: drawn.issued[0]!.id }] });

    expect(issueStep({ state: 'in_call' }, 'customer', {}, at)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(issueStep({ state: 'waiting' }, 'agent', {}, at)).toMatchObject({ ok: false, code: 'invalid_transition' });
    expect(issueStep({ state: 'decided' }, 'agent', {}, at)).toMatchObject({ ok: false, code: 'session_ended' });
    expect(issueStep({ state: 'in_call' }, 'agent', { action: 'look_up', replaces: 'ffffffffffffffff' }, at)).toMatchObject({ ok: false, code: 'not_found' });
    const full = Array.from({ length: MAX_CHALLENGES }, (_, i) => ({ id: i.toString(16).padStart(16, '0'), action: 'look_up' as const, issuedAt: at, origin: 'chosen' as const }));
    expect(issueStep({ state: 'in_call', challenges: full }, 'agent', { action: 'look_up' }, at)).toMatchObject({ ok: false, code: 'limit_reached' });
  });

  it('takes one result per issued challenge, from the agent, and stamps it', () => {
    const issued = { id: '00000000000000aa', action: 'turn_left' as const, issuedAt: at, origin: 'drawn' as const };
    const taken = resultStep({ state: 'in_call', challenges: [issued] }, 'agent', result(issued.id), at);
    expect(taken).toEqual({ ok: true, challenge: { ...issued, result: { ...result(issued.id), id: undefined, recordedAt: at } } });
    if (!taken.ok) return;
    expect('id' in taken.challenge.result!).toBe(false);
    expect(resultStep({ state: 'in_call', challenges: [taken.challenge] }, 'agent', result(issued.id), at)).toMatchObject({ ok: false, code: 'conflict' });
    expect(resultStep({ state: 'in_call', challenges: [issued] }, 'agent', result('00000000000000bb'), at)).toMatchObject({ ok: false, code: 'not_found' });
    expect(resultStep({ state: 'in_call', challenges: [issued] }, 'customer', result(issued.id), at)).toMatchObject({ ok: false, code: 'forbidden' });
    // The customer's page learns which challenges are open, never an outcome.
    expect(welcomeChallenges([taken.challenge, { ...issued, id: '00000000000000cc' }], 'customer')).toEqual([{ ...issued, id: '00000000000000cc' }]);
    expect(welcomeChallenges([taken.challenge], 'customer')).toBeUndefined();
    expect(welcomeChallenges([taken.challenge], 'agent')).toEqual([taken.challenge]);
  });
});

describe('liveness challenges through the relay', () => {
  it('issues, audits and shows a draw to both pages; records a result, audits it, closes it on the customer page', async () => {
    const s = session({ state: 'in_call' });
    await s.send('agent', { type: 'challenge-start' });
    const issued = s.record.challenges ?? [];
    expect(issued.length).toBeGreaterThanOrEqual(2);
    expect(s.audits.map((a) => a.action)).toEqual(issued.map(() => 'challenge.issued'));
    expect(s.audits[0]).toMatchObject({ actor: 'agent', detail: { id: issued[0]!.id, action: issued[0]!.action, origin: 'drawn' } });
    const shown = issued.map((c) => ({ type: 'challenge', id: c.id, action: c.action, issuedAt: c.issuedAt }));
    expect(s.to('customer')).toEqual(shown);
    expect(s.to('agent')).toEqual(shown);

    await s.send('agent', { type: 'challenge-result', result: result(issued[0]!.id) });
    expect(s.record.challenges![0]!.result).toMatchObject({ outcome: 'done', figures: { yawPeak: 27.5 }, recordedAt: at });
    expect(s.audits.at(-1)).toMatchObject({ action: 'challenge.result', detail: { id: issued[0]!.id, outcome: 'done', figures: { yawPeak: 27.5, frames: 18 } } });
    expect(s.to('agent').at(-1)).toMatchObject({ type: 'challenge-recorded', challenge: { id: issued[0]!.id, result: { outcome: 'done' } } });
    expect(s.to('customer').at(-1)).toEqual({ type: 'challenge-ended', id: issued[0]!.id });

    // A second result for the same issue, a forged id, the customer: refused, nothing changes.
    const audits = s.audits.length;
    await s.send('agent', { type: 'challenge-result', result: result(issued[0]!.id, 'failed') });
    expect(s.to('agent').at(-1)).toMatchObject({ type: 'error', code: 'conflict' });
    await s.send('customer', { type: 'challenge-result', result: result(issued[1]!.id) });
    expect(s.to('customer').at(-1)).toMatchObject({ type: 'error', code: 'forbidden' });
    await s.send('customer', { type: 'challenge-start', action: 'blink_twice' });
    expect(s.to('customer').at(-1)).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(s.audits).toHaveLength(audits);
    expect(s.record.challenges![0]!.result!.outcome).toBe('done');

    // The agent re-issues an action of its choice: a new id, audited as chosen.
    await s.send('agent', { type: 'challenge-start', action: 'id_close', replaces: issued[1]!.id });
    const again = s.record.challenges!.at(-1)!;
    expect(again).toMatchObject({ action: 'id_close', origin: 'chosen', replaces: issued[1]!.id });
    expect(s.audits.at(-1)).toMatchObject({ action: 'challenge.issued', detail: { id: again.id, action: 'id_close', origin: 'chosen', replaces: issued[1]!.id } });

    // Into the evidence: the sealed assessment and the manifest's review, and a new version to seal.
    const thresholds = { match: 0.5, noMatch: 0.4 };
    const before = assessmentVersion({ ...s.record, challenges: undefined });
    expect(assessmentVersion(s.record)).not.toBe(before);
    expect(buildAssessment(s.record, thresholds, at).challenges).toEqual(s.record.challenges);
    expect(manifestReview(s.record).challenges).toEqual(s.record.challenges);
    expect(manifestReview({ ...s.record, challenges: undefined })).not.toHaveProperty('challenges');
  });

  it('refuses challenges before the call', async () => {
    const s = session({ state: 'waiting' });
    await s.send('agent', { type: 'challenge-start' });
    expect(s.to('agent')).toMatchObject([{ type: 'error', code: 'invalid_transition' }]);
    expect(s.record.challenges).toBeUndefined();
  });
});
