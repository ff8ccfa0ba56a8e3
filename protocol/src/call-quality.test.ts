import { describe, expect, it } from 'vitest';
import { CallQualityEvidence, CameraSignal, CameraSignalKind, ClientMessage, RecordedCameraSignal, ServerMessage } from './index.ts';

const at = '2026-12-03T09:00:00.000Z';

describe('camera signals on the wire', () => {
  it('takes each kind as a code with its figures, and the virtual camera label as a trimmed value', () => {
    const good: CameraSignal[] = [
      { kind: 'virtual_camera', label: 'OBS Virtual Camera' },
      { kind: 'unusual_settings', settings: [{ code: 'no_device_id' }, { code: 'frame_rate', fps: 17.3 }, { code: 'odd_size', width: 641, height: 479 }] },
      { kind: 'page_hidden', seconds: 4 },
      { kind: 'window_blur' },
      { kind: 'camera_changed', change: 'replaced', camera: 2 },
      { kind: 'camera_changed', change: 'ended' },
    ];
    for (const signal of good) expect(ClientMessage.parse({ type: 'camera-signal', signal })).toEqual({ type: 'camera-signal', signal });
    expect(CameraSignal.parse({ kind: 'virtual_camera', label: '  ManyCam  ' })).toEqual({ kind: 'virtual_camera', label: 'ManyCam' });
    // The union names every kind the panel knows, no more.
    expect(CameraSignal.def.options.flatMap((o) => o.shape.kind.def.values)).toEqual(CameraSignalKind.options);
  });

  it("refuses an unknown kind or code, free text in place of a code, and figures out of range", () => {
    for (const bad of [
      { kind: 'screen_share' },
      { kind: 'window_blur', detail: 'the page lost focus' },
      { kind: 'page_hidden', detail: 'the page was hidden for 4 s' },
      { kind: 'page_hidden', seconds: 0 },
      { kind: 'page_hidden', seconds: 2.5 },
      { kind: 'page_hidden', seconds: '4' },
      { kind: 'unusual_settings', settings: [] },
      { kind: 'unusual_settings', settings: [{ code: 'tampered_driver' }] },
      { kind: 'unusual_settings', settings: [{ code: 'no_device_id' }, { code: 'no_device_id' }] },
      { kind: 'unusual_settings', settings: [{ code: 'frame_rate', fps: -1 }] },
      { kind: 'unusual_settings', settings: [{ code: 'odd_size', width: 641 }] },
      { kind: 'unusual_settings', settings: 'no deviceId' },
      { kind: 'camera_changed', change: 'another camera (device bbbbbbbb…) replaced the first' },
      { kind: 'camera_changed', change: 'replaced', camera: 1 },
      { kind: 'camera_changed', change: 'replaced', device: 'bbbbbbbb' },
      { kind: 'virtual_camera', label: '   ' },
      { kind: 'virtual_camera', label: 'x'.repeat(121) },
      { kind: 'virtual_camera' },
    ]) {
      expect(ClientMessage.safeParse({ type: 'camera-signal', signal: bad }).success, JSON.stringify(bad).slice(0, 80)).toBe(false);
    }
  });

  it("keeps the codes and figures with the server's time in the risk flag and the evidence", () => {
    const flag = { kind: 'unusual_settings', settings: [{ code: 'frame_rate', fps: 1000 }], at } as const;
    expect(ServerMessage.parse({ type: 'risk-flag', signal: flag })).toEqual({ type: 'risk-flag', signal: flag });
    const evidence = CallQualityEvidence.parse({ minutes: [], gateChanges: [], riskFlags: [flag, { kind: 'window_blur', at }] });
    expect(evidence.riskFlags).toEqual([flag, { kind: 'window_blur', at }]);
    // A flag needs its time, and an old free-text detail is not a flag.
    expect(RecordedCameraSignal.safeParse({ kind: 'window_blur' }).success).toBe(false);
    expect(RecordedCameraSignal.safeParse({ kind: 'window_blur', detail: 'the page lost focus', at }).success).toBe(false);
    // What the session read from that earlier form and could not word as codes: a flag of its kind with no detail, never from a page.
    expect(RecordedCameraSignal.parse({ kind: 'page_hidden', earlierFormat: true, at })).toEqual({ kind: 'page_hidden', earlierFormat: true, at });
    expect(RecordedCameraSignal.safeParse({ kind: 'page_hidden', earlierFormat: true, detail: 'x', at }).success).toBe(false);
    expect(ClientMessage.safeParse({ type: 'camera-signal', signal: { kind: 'page_hidden', earlierFormat: true } }).success).toBe(false);
  });
});
