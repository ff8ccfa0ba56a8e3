import { DEFAULT_QUALITY_THRESHOLDS, EvidenceAssessment, EvidenceReview, MAX_CAMERA_SIGNALS, QUALITY_SAMPLE_MIN_GAP_MS, type CameraSignal, type ClientMessage, type QualitySample } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { NOW, session } from '../../test/conduct-harness.ts';
import { DEFAULT_CHECKLIST } from './verification-checklist.ts';
import { emptyQuality, keepSample, qualityMinutes, signalStep, spread } from './call-quality.ts';
import { buildAssessment, assessmentVersion } from '../evidence/evidence-assessment.ts';
import { manifestReview } from '../evidence/evidence-pack.ts';

const approve: ClientMessage = { type: 'decide', decision: 'approved', reasonCodes: [], note: '', checklist: DEFAULT_CHECKLIST.map((i) => i.id) };
const sample = (fps: number, brightness: number): QualitySample => ({ width: 640, height: 480, fps, freezeShare: 0, brightness, sharpness: 50 });

describe('the quality gate in the session', () => {
  it('refuses an approval while the agent reports the gate red, audits the changes only, and approves once green', async () => {
    const s = session({ state: 'in_call' });
    await s.send('agent', { type: 'quality-gate', gate: { state: 'red', causes: ['brightness', 'resolution'] } });
    // The same gate again is no change: one audit row.
    await s.send('agent', { type: 'quality-gate', gate: { state: 'red', causes: ['resolution', 'brightness'] } });
    await s.send('agent', approve);
    expect(s.record.state).toBe('in_call');
    expect(s.to('agent').at(-1)).toMatchObject({ type: 'error', code: 'quality_gate_red' });
    expect(s.audits.filter((a) => a.action === 'quality.gate')).toEqual([
      { actor: 'agent', action: 'quality.gate', detail: { state: 'red', causes: ['brightness', 'resolution'] }, from: null },
    ]);

    await s.send('agent', { type: 'quality-gate', gate: { state: 'green', causes: [] } });
    expect(s.audits.filter((a) => a.action === 'quality.gate').map((a) => a.detail)).toEqual([
      { state: 'red', causes: ['brightness', 'resolution'] },
      { state: 'green', causes: [] },
    ]);
    await s.send('agent', approve);
    expect(s.record.state).toBe('decided');
  });

  it('takes the gate from the agent only, during the call, and a red gate names its causes', async () => {
    const s = session({ state: 'in_call' });
    await s.send('customer', { type: 'quality-gate', gate: { state: 'red', causes: ['freezes'] } });
    expect(s.to('customer').at(-1)).toMatchObject({ type: 'error', code: 'forbidden' });
    await s.send('agent', { type: 'quality-gate', gate: { state: 'red', causes: [] } });
    expect(s.to('agent').at(-1)).toMatchObject({ type: 'error', code: 'validation_failed' });
    const waiting = session({ state: 'waiting' });
    await waiting.send('agent', { type: 'quality-gate', gate: { state: 'red', causes: ['freezes'] } });
    expect(waiting.to('agent').at(-1)).toMatchObject({ type: 'error', code: 'invalid_transition' });
    expect(s.record.quality?.gate ?? null).toBeNull();
  });

  it('keeps samples per role at most one per gap, only during the call, unanswered and unaudited', async () => {
    const s = session({ state: 'in_call' });
    await s.send('agent', { type: 'quality-sample', sample: sample(20, 90) });
    await s.send('agent', { type: 'quality-sample', sample: sample(21, 90) });
    await s.send('customer', { type: 'quality-sample', sample: sample(25, 100) });
    expect(s.record.quality?.samples.agent).toEqual([{ ...sample(20, 90), at: NOW }]);
    expect(s.record.quality?.samples.customer).toHaveLength(1);
    expect(s.record.quality?.thresholds).toEqual(DEFAULT_QUALITY_THRESHOLDS);
    expect(s.sent.filter((m) => m.message.type === 'error')).toEqual([]);
    expect(s.audits.filter((a) => a.action.startsWith('quality'))).toEqual([]);

    const q = emptyQuality(DEFAULT_QUALITY_THRESHOLDS);
    expect(keepSample(q, 'agent', sample(1, 1), NOW, false)).toBe(false);
    expect(keepSample(q, 'agent', sample(1, 1), NOW, true)).toBe(true);
    expect(keepSample(q, 'agent', sample(1, 1), NOW + QUALITY_SAMPLE_MIN_GAP_MS - 1, true)).toBe(false);
    expect(keepSample(q, 'agent', sample(1, 1), NOW + QUALITY_SAMPLE_MIN_GAP_MS, true)).toBe(true);
  });

  it('summarises each minute of the call per side: lowest, median and highest of each figure', () => {
    const q = emptyQuality(DEFAULT_QUALITY_THRESHOLDS);
    const start = new Date(NOW).toISOString();
    for (const [i, fps] of [20, 8, 15, 30, 12, 25, 9].entries()) keepSample(q, 'agent', { ...sample(fps, 10 * i), sharpness: null }, NOW + i * 10_000, true);
    keepSample(q, 'customer', sample(30, 120), NOW + 5_000, true);
    const minutes = qualityMinutes(q, start);
    expect(minutes.map((m) => [m.minute, m.side, m.samples])).toEqual([
      [0, 'received', 6],
      [1, 'received', 1],
      [0, 'sent', 1],
    ]);
    expect(minutes[0]!.fps).toEqual({ min: 8, median: 15, max: 30 });
    expect(minutes[0]!.brightness).toEqual({ min: 0, median: 20, max: 50 });
    expect(minutes[0]!.sharpness).toBeNull();
    expect(spread([3, null, 1, 2, 4])).toEqual({ min: 1, median: 2, max: 4 });
  });
});

describe('camera signals in the session', () => {
  it("keeps a new signal from the customer's page, audits it and flags it to the agent; a repeat is not kept again", async () => {
    const s = session({ state: 'in_call' });
    const signal = { kind: 'virtual_camera', label: 'OBS Virtual Camera' } as const;
    const odd: CameraSignal = { kind: 'unusual_settings', settings: [{ code: 'frame_rate', fps: 1000 }, { code: 'odd_size', width: 641, height: 479 }] };
    await s.send('customer', { type: 'camera-signal', signal });
    await s.send('customer', { type: 'camera-signal', signal });
    await s.send('customer', { type: 'camera-signal', signal: { kind: 'page_hidden', seconds: 4 } });
    await s.send('customer', { type: 'camera-signal', signal: odd });
    // The same figures with the fields in another order are a repeat.
    await s.send('customer', { type: 'camera-signal', signal: { settings: [{ fps: 1000, code: 'frame_rate' }, { height: 479, width: 641, code: 'odd_size' }], kind: 'unusual_settings' } as never });
    await s.send('customer', { type: 'camera-signal', signal: { kind: 'page_hidden', seconds: 9 } });
    expect(signalStep(s.record.cameraSignals, 'customer', { kind: 'unusual_settings', settings: [{ code: 'frame_rate', fps: 999 }, { code: 'odd_size', width: 641, height: 479 }] }, 'x')).toMatchObject({ keep: { kind: 'unusual_settings' } });
    const at = new Date(NOW).toISOString();
    expect(s.record.cameraSignals).toEqual([
      { ...signal, at },
      { kind: 'page_hidden', seconds: 4, at },
      { ...odd, at },
      { kind: 'page_hidden', seconds: 9, at },
    ]);
    // The audit keeps the codes and figures as they came, never a sentence.
    expect(s.audits.filter((a) => a.action === 'camera.signal').map((a) => [a.actor, a.detail])).toEqual([
      ['customer', { kind: 'virtual_camera', label: 'OBS Virtual Camera' }],
      ['customer', { kind: 'page_hidden', seconds: 4 }],
      ['customer', odd],
      ['customer', { kind: 'page_hidden', seconds: 9 }],
    ]);
    expect(s.to('agent').filter((m) => m.type === 'risk-flag').slice(0, 2)).toEqual([
      { type: 'risk-flag', signal: { ...signal, at } },
      { type: 'risk-flag', signal: { kind: 'page_hidden', seconds: 4, at } },
    ]);
    expect(s.to('customer').filter((m) => m.type === 'risk-flag')).toEqual([]);
    // A signal is never a block: the call goes on and an approval stands.
    await s.send('agent', approve);
    expect(s.record.state).toBe('decided');
  });

  it('refuses a signal with an unknown code or free text (validation_failed), and keeps nothing of it', async () => {
    const s = session({ state: 'in_call' });
    for (const signal of [
      { kind: 'page_hidden', detail: 'the page was hidden for 4 s' },
      { kind: 'unusual_settings', settings: [{ code: 'looks_fake' }] },
      { kind: 'camera_changed', change: 'another camera (device bbbbbbbb…) replaced the first' },
      { kind: 'agent_is_sure' },
    ]) {
      await s.send('customer', { type: 'camera-signal', signal } as never);
      expect(s.to('customer').at(-1), JSON.stringify(signal)).toMatchObject({ type: 'error', code: 'validation_failed' });
    }
    expect(s.record.cameraSignals ?? []).toEqual([]);
    expect(s.audits.filter((a) => a.action === 'camera.signal')).toEqual([]);
    expect(s.to('agent').filter((m) => m.type === 'risk-flag')).toEqual([]);
  });

  it('takes signals from the customer only, at most MAX_CAMERA_SIGNALS', async () => {
    const s = session({ state: 'in_call' });
    await s.send('agent', { type: 'camera-signal', signal: { kind: 'window_blur' } });
    expect(s.to('agent').at(-1)).toMatchObject({ type: 'error', code: 'forbidden' });
    const at = new Date(NOW).toISOString();
    const full = Array.from({ length: MAX_CAMERA_SIGNALS }, (_, i) => ({ kind: 'page_hidden' as const, seconds: i + 1, at }));
    expect(signalStep(full, 'customer', { kind: 'virtual_camera', label: 'ManyCam' }, at)).toEqual({ ok: true, keep: null });
  });
});

describe('the call quality in the evidence', () => {
  it('puts the per-minute summary, the gate changes and the risk flags in the sealed assessment and the manifest review, and versions them', async () => {
    const s = session({ state: 'in_call' });
    s.record.startedAt = new Date(NOW).toISOString();
    const before = assessmentVersion(s.record);
    await s.send('agent', { type: 'quality-sample', sample: sample(5, 10) });
    await s.send('agent', { type: 'quality-gate', gate: { state: 'red', causes: ['frame_rate'] } });
    await s.send('customer', { type: 'camera-signal', signal: { kind: 'virtual_camera', label: 'fake_device_0' } });
    expect(assessmentVersion(s.record)).not.toBe(before);

    const assessment = EvidenceAssessment.parse(buildAssessment({ ...s.record, sessionId: '8d3c6a2e-6f4b-4c1e-9a7d-2b5e0f1a3c4d' }, { match: 0.5, noMatch: 0.4 }, new Date(NOW).toISOString()));
    expect(assessment.quality).toMatchObject({
      thresholds: DEFAULT_QUALITY_THRESHOLDS,
      minutes: [{ minute: 0, side: 'received', samples: 1, fps: { min: 5, median: 5, max: 5 } }],
      gateChanges: [{ state: 'red', causes: ['frame_rate'] }],
      riskFlags: [{ kind: 'virtual_camera', label: 'fake_device_0' }],
    });
    const review = EvidenceReview.parse(manifestReview(s.record));
    expect(review.quality).toEqual(assessment.quality);
  });
});
