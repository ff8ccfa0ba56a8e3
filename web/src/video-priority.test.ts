import { describe, expect, it } from 'vitest';
import { GuidanceKind } from '@vident/protocol';
import { applyVideoPriority, degradationPreferenceFor, videoPriorityForGuidance } from './video-priority.ts';
import { FakeSender } from './fake-call.ts';

describe('video priority', () => {
  it('keeps resolution for a document and frame rate for the face', () => {
    expect(degradationPreferenceFor('document')).toBe('maintain-resolution');
    expect(degradationPreferenceFor('face')).toBe('maintain-framerate');
  });

  it('follows the guidance that says what is shown, and only that', () => {
    const byKind = Object.fromEntries(GuidanceKind.options.map((k) => [k, videoPriorityForGuidance(k)]));
    expect(byKind).toEqual({ hold_id_closer: 'document', tilt_card: 'document', show_back: 'document', more_light: null, face_camera: 'face', clear: 'face' });
  });

  it('sets the preference on video senders only, keeping their other parameters', async () => {
    const video = new FakeSender({ kind: 'video' });
    const audio = new FakeSender({ kind: 'audio' });
    video.parameters = { encodings: [{ maxBitrate: 2_500_000 }], transactionId: 't1' };
    expect(await applyVideoPriority([audio, video], 'document')).toBe(true);
    expect(video.parameters).toEqual({ encodings: [{ maxBitrate: 2_500_000 }], transactionId: 't1', degradationPreference: 'maintain-resolution' });
    expect(audio.parameters.degradationPreference).toBeUndefined();
  });

  it('answers false when the browser refuses, without throwing', async () => {
    const refusing = new FakeSender({ kind: 'video' });
    refusing.setParameters = () => Promise.reject(new DOMException('no', 'InvalidModificationError'));
    expect(await applyVideoPriority([refusing], 'face')).toBe(false);
  });
});
