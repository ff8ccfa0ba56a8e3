import { describe, expect, it } from 'vitest';
import {
  captureBlocker,
  captureFailed,
  captureStarted,
  captureStored,
  emptySlots,
  shownCapture,
  type BankKeyState,
} from './capture-flow.ts';

const frame = { width: 1280, height: 720 };

describe('captureBlocker', () => {
  it('allows a capture with a key, a decoded frame and the camera on', () => {
    expect(captureBlocker({ key: 'ready', frame, peerVideo: true })).toBeNull();
  });
  it('names a key problem before anything else', () => {
    const cases: [BankKeyState, string][] = [
      ['missing', 'no_key'],
      ['invalid', 'bad_key'],
      ['loading', 'key_loading'],
    ];
    for (const [key, reason] of cases) {
      expect(captureBlocker({ key, frame: null, peerVideo: false })).toBe(reason);
      expect(captureBlocker({ key, frame, peerVideo: true })).toBe(reason);
    }
  });
  it('waits for a frame with a size', () => {
    expect(captureBlocker({ key: 'ready', frame: null, peerVideo: true })).toBe('no_video');
    expect(captureBlocker({ key: 'ready', frame: { width: 0, height: 0 }, peerVideo: true })).toBe('no_video');
    expect(captureBlocker({ key: 'ready', frame: { width: 640, height: 0 }, peerVideo: true })).toBe('no_video');
  });
  it('refuses while the customer has the camera off', () => {
    expect(captureBlocker({ key: 'ready', frame, peerVideo: false })).toBe('camera_off');
  });
});

describe('capture slots', () => {
  const first = { artifactId: 'cap-aaaaaaaa', width: 640, height: 480 };
  const second = { artifactId: 'cap-bbbbbbbb', width: 1280, height: 720 };

  it('goes empty -> uploading -> stored, one kind at a time', () => {
    const started = captureStarted(emptySlots(), 'id_front');
    expect(started).not.toBeNull();
    expect(started!.id_front).toEqual({ status: 'uploading', previous: null });
    expect(started!.face).toEqual({ status: 'empty' });
    const stored = captureStored(started!, 'id_front', first);
    expect(stored.id_front).toEqual({ status: 'stored', capture: first });
    expect(shownCapture(stored.id_front)).toEqual(first);
  });
  it('refuses a second capture of the same kind while one uploads, but not of another kind', () => {
    const started = captureStarted(emptySlots(), 'face')!;
    expect(captureStarted(started, 'face')).toBeNull();
    expect(captureStarted(started, 'id_back')?.id_back.status).toBe('uploading');
  });
  it('keeps showing the stored capture during a retake and replaces it when the retake is stored', () => {
    const stored = captureStored(captureStarted(emptySlots(), 'id_back')!, 'id_back', first);
    const retake = captureStarted(stored, 'id_back')!;
    expect(shownCapture(retake.id_back)).toEqual(first);
    expect(captureStored(retake, 'id_back', second).id_back).toEqual({ status: 'stored', capture: second });
  });
  it('falls back to the previous capture, or to empty, when a capture fails', () => {
    const stored = captureStored(captureStarted(emptySlots(), 'id_back')!, 'id_back', first);
    expect(captureFailed(captureStarted(stored, 'id_back')!, 'id_back').id_back).toEqual({ status: 'stored', capture: first });
    expect(captureFailed(captureStarted(emptySlots(), 'face')!, 'face').face).toEqual({ status: 'empty' });
  });
  it('never mutates the slots it is given', () => {
    const slots = emptySlots();
    captureStarted(slots, 'id_front');
    expect(slots.id_front).toEqual({ status: 'empty' });
  });
});
