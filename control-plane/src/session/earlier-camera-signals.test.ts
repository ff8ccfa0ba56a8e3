import { CallQualityEvidence, type RecordedCameraSignal } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { readStoredCameraSignal, readStoredCameraSignals } from './earlier-camera-signals.ts';
import { normalizeRecord, type SessionRecord } from './session-record.ts';

const at = '2026-12-03T09:00:00.000Z';

describe('camera risk flags stored before they were codes', () => {
  it("reads each sentence the old page wrote as its kind's codes", () => {
    const earlier = [
      { kind: 'virtual_camera', detail: 'OBS Virtual Camera', at },
      { kind: 'unusual_settings', detail: 'no deviceId, frame rate 17.33, odd size 641x479', at },
      { kind: 'page_hidden', detail: 'the page was hidden for 4 s', at },
      { kind: 'window_blur', detail: 'the page lost focus', at },
      { kind: 'camera_changed', detail: 'another camera (device 1a2b3c4d…) replaced the first', at },
      { kind: 'camera_changed', detail: 'the camera track ended', at },
    ];
    expect(readStoredCameraSignals(earlier)).toEqual([
      { kind: 'virtual_camera', label: 'OBS Virtual Camera', at },
      { kind: 'unusual_settings', settings: [{ code: 'no_device_id' }, { code: 'frame_rate', fps: 17.33 }, { code: 'odd_size', width: 641, height: 479 }], at },
      { kind: 'page_hidden', seconds: 4, at },
      { kind: 'window_blur', at },
      { kind: 'camera_changed', change: 'replaced', at },
      { kind: 'camera_changed', change: 'ended', at },
    ]);
  });

  it('keeps a detail it cannot read as a flag of its kind with no detail, and leaves out what is no flag', () => {
    for (const [kind, detail] of [
      ['unusual_settings', 'odd size undefinedx479'],
      ['unusual_settings', 'tampered driver'],
      ['page_hidden', 'the page was hidden for 0 s'],
      ['camera_changed', 'Call the agent on +82 10 0000 0000'],
      ['virtual_camera', '   '],
    ]) {
      expect(readStoredCameraSignal({ kind, detail, at }), detail).toEqual({ kind, earlierFormat: true, at });
    }
    expect(readStoredCameraSignals([{ kind: 'screen_share', detail: 'x', at }, { kind: 'window_blur', detail: 'x' }, null, 'window_blur'])).toEqual([]);
    expect(readStoredCameraSignals(undefined)).toBeUndefined();
  });

  it('leaves flags in the current form as they are; a loaded record holds only flags the evidence schema takes', () => {
    const current: RecordedCameraSignal[] = [{ kind: 'page_hidden', seconds: 3, at }, { kind: 'window_blur', earlierFormat: true, at }];
    expect(readStoredCameraSignals(current)).toEqual(current);
    const stored = { cameraSignals: [...current, { kind: 'window_blur', detail: 'the page lost focus', at }, { kind: 'page_hidden', detail: 'four seconds', at }] } as unknown as SessionRecord;
    const riskFlags = normalizeRecord(stored).cameraSignals;
    expect(riskFlags).toEqual([...current, { kind: 'window_blur', at }, { kind: 'page_hidden', earlierFormat: true, at }]);
    expect(CallQualityEvidence.parse({ minutes: [], gateChanges: [], riskFlags }).riskFlags).toEqual(riskFlags);
    expect(normalizeRecord({} as SessionRecord)).not.toHaveProperty('cameraSignals');
  });
});
