import { describe, expect, it } from 'vitest';
import { GuidanceKind, HD_VIDEO_MAX_BITRATE } from '@vident/protocol';
import { applyVideoPriority, videoPriorityForGuidance, videoSendSettingsFor } from './video-priority.ts';
import { FakeSender } from './fake-call.ts';

describe('video priority', () => {
  it('keeps resolution for a document and frame rate for the face, both up to the room cap', () => {
    expect(HD_VIDEO_MAX_BITRATE).toBe(4_000_000);
    expect(videoSendSettingsFor('document')).toEqual({ degradationPreference: 'maintain-resolution', maxBitrate: 4_000_000 });
    expect(videoSendSettingsFor('face')).toEqual({ degradationPreference: 'maintain-framerate', maxBitrate: 4_000_000 });
  });

  it('follows the guidance that says what is shown, and only that', () => {
    const byKind = Object.fromEntries(GuidanceKind.options.map((k) => [k, videoPriorityForGuidance(k)]));
    expect(byKind).toEqual({ hold_id_closer: 'document', tilt_card: 'document', show_back: 'document', more_light: null, face_camera: 'face', clear: 'face' });
  });

  it('sets the preference and every encoding\'s maxBitrate on video senders only, keeping their other parameters', async () => {
    const video = new FakeSender({ kind: 'video' });
    const audio = new FakeSender({ kind: 'audio' });
    video.parameters = { encodings: [{ active: true, scaleResolutionDownBy: 1 }], transactionId: 't1' };
    expect(await applyVideoPriority([audio, video], 'document')).toBe(true);
    expect(video.parameters).toEqual({
      encodings: [{ active: true, scaleResolutionDownBy: 1, maxBitrate: 4_000_000 }],
      transactionId: 't1',
      degradationPreference: 'maintain-resolution',
    });
    expect(await applyVideoPriority([audio, video], 'face')).toBe(true);
    expect(video.parameters).toMatchObject({ encodings: [{ maxBitrate: 4_000_000 }], degradationPreference: 'maintain-framerate' });
    expect(audio.parameters).toEqual({ encodings: [{}] });
  });

  it('sets the bitrate again when only it differs, and leaves a sender alone that has both', async () => {
    const video = new FakeSender({ kind: 'video' });
    video.parameters = { encodings: [{ maxBitrate: 600_000 }], degradationPreference: 'maintain-framerate' };
    expect(await applyVideoPriority([video], 'face')).toBe(true);
    expect(video.parameters.encodings).toEqual([{ maxBitrate: 4_000_000 }]);
    let calls = 0;
    video.setParameters = () => (calls++, Promise.resolve());
    expect(await applyVideoPriority([video], 'face')).toBe(true);
    expect(calls).toBe(0);
  });

  it('answers false when the browser refuses, without throwing', async () => {
    const refusing = new FakeSender({ kind: 'video' });
    refusing.setParameters = () => Promise.reject(new DOMException('no', 'InvalidModificationError'));
    expect(await applyVideoPriority([refusing], 'face')).toBe(false);
  });
});
