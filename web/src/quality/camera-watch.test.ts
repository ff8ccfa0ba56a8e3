import type { CameraSignal } from '@vident/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CameraWatch } from './camera-watch.ts';

/** A camera track as far as the watch reads it. */
function track(label: string, deviceId: string): MediaStreamTrack {
  return Object.assign(new EventTarget(), { label, getSettings: () => ({ width: 1280, height: 720, frameRate: 30, deviceId }) }) as unknown as MediaStreamTrack;
}
const streamOf = (t: MediaStreamTrack) => ({ getVideoTracks: () => [t] }) as unknown as MediaStream;

describe('the camera watch on the customer page', () => {
  let doc: EventTarget & { visibilityState: string };
  let win: EventTarget;
  beforeEach(() => {
    vi.useFakeTimers();
    doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
    win = new EventTarget();
    vi.stubGlobal('document', doc);
    vi.stubGlobal('window', win);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  function watch(first: MediaStreamTrack, inCall = true) {
    const sent: CameraSignal[] = [];
    const state = { stream: streamOf(first), inCall };
    const w = new CameraWatch({ stream: () => state.stream, inCall: () => state.inCall, send: (s) => sent.push(s) > 0 });
    w.start();
    return { sent, state, w };
  }

  it('flags a virtual camera once, and nothing for an ordinary webcam', () => {
    const { sent } = watch(track('OBS Virtual Camera', 'dev-1'));
    vi.advanceTimersByTime(10_000);
    expect(sent).toEqual([{ kind: 'virtual_camera', label: 'OBS Virtual Camera' }]);
    const ordinary = watch(track('HD Pro Webcam C920', 'dev-2'));
    vi.advanceTimersByTime(10_000);
    expect(ordinary.sent).toEqual([]);
  });

  it('says how long the page was hidden during the call, and when the window lost focus', () => {
    const { sent, state } = watch(track('Integrated Camera', 'dev-1'));
    doc.visibilityState = 'hidden';
    doc.dispatchEvent(new Event('visibilitychange'));
    vi.advanceTimersByTime(4_000);
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    win.dispatchEvent(new Event('blur'));
    state.inCall = false;
    win.dispatchEvent(new Event('blur'));
    expect(sent).toEqual([
      { kind: 'page_hidden', seconds: 4 },
      { kind: 'window_blur' },
    ]);
  });

  it('flags another camera replacing the first and a camera track that ended, at most 5 of a kind', () => {
    const first = track('Integrated Camera', 'aaaaaaaa1111');
    const { sent, state } = watch(first);
    state.stream = streamOf(track('Integrated Camera', 'bbbbbbbb2222'));
    vi.advanceTimersByTime(2_000);
    expect(sent).toEqual([{ kind: 'camera_changed', change: 'replaced', camera: 2 }]);
    state.stream = streamOf(track('Integrated Camera', 'cccccccc3333'));
    vi.advanceTimersByTime(2_000);
    expect(sent.at(-1)).toEqual({ kind: 'camera_changed', change: 'replaced', camera: 3 });
    for (let i = 0; i < 10; i++) first.dispatchEvent(new Event('ended'));
    expect(sent.filter((s) => s.kind === 'camera_changed')).toHaveLength(5);
    expect(sent.at(-1)).toEqual({ kind: 'camera_changed', change: 'ended' });
  });
});
