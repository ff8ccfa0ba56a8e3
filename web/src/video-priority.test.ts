import { describe, expect, it } from 'vitest';
import { GuidanceKind, HD_VIDEO_MAX_BITRATE } from '@vident/protocol';
import { applyVideoPriority, shortSide, videoPriorityForGuidance, videoSendSettingsFor } from './video-priority.ts';
import { FakeSender } from './fake-call.ts';
import { FACE_LADDER } from './send-ladder.ts';

describe('video priority', () => {
  it('sends a document as the camera gives it, and the face at its ladder step, both up to the room cap', () => {
    expect(HD_VIDEO_MAX_BITRATE).toBe(4_000_000);
    const limits = { degradationPreference: 'maintain-resolution', maxBitrate: 4_000_000 };
    expect(videoSendSettingsFor('document', FACE_LADDER[2], 720)).toEqual({ ...limits, scaleResolutionDownBy: 1, maxFramerate: 30 });
    expect(videoSendSettingsFor('face', FACE_LADDER[2], 720)).toEqual({ ...limits, scaleResolutionDownBy: 2, maxFramerate: 30 });
    expect(videoSendSettingsFor('face', FACE_LADDER[3], 1080)).toEqual({ ...limits, scaleResolutionDownBy: 3, maxFramerate: 15 });
    // A phone held upright: 720x1280 is 720p too, and its 360p step is 360x640.
    expect(shortSide({ width: 720, height: 1280 })).toBe(720);
    expect(videoSendSettingsFor('face', FACE_LADDER[2], shortSide({ width: 720, height: 1280 }))).toEqual({ ...limits, scaleResolutionDownBy: 2, maxFramerate: 30 });
    expect(shortSide({})).toBeNull();
    // Before the ladder has a sample: the top step, the camera's own 720p.
    expect(videoSendSettingsFor('face', undefined, 720)).toEqual({ ...limits, scaleResolutionDownBy: 1, maxFramerate: 30 });
  });

  it('follows the guidance that says what is shown, and only that', () => {
    const byKind = Object.fromEntries(GuidanceKind.options.map((k) => [k, videoPriorityForGuidance(k)]));
    expect(byKind).toEqual({ hold_id_closer: 'document', tilt_card: 'document', show_back: 'document', more_light: null, face_camera: 'face', clear: 'face' });
  });

  it('sets the preference and every encoding\'s limits on video senders only, keeping their other parameters', async () => {
    const video = new FakeSender({ kind: 'video', getSettings: () => ({ width: 720, height: 1280 }) } as never);
    const audio = new FakeSender({ kind: 'audio' });
    video.parameters = { encodings: [{ active: true, scaleResolutionDownBy: 1 }], transactionId: 't1' };
    expect(await applyVideoPriority([audio, video], 'document')).toBe(true);
    expect(video.parameters).toEqual({
      encodings: [{ active: true, scaleResolutionDownBy: 1, maxBitrate: 4_000_000, maxFramerate: 30 }],
      transactionId: 't1',
      degradationPreference: 'maintain-resolution',
    });
    expect(await applyVideoPriority([audio, video], 'face', FACE_LADDER[3])).toBe(true);
    expect(video.parameters).toMatchObject({ encodings: [{ maxBitrate: 4_000_000, scaleResolutionDownBy: 2, maxFramerate: 15 }], degradationPreference: 'maintain-resolution' });
    expect(audio.parameters).toEqual({ encodings: [{}] });
  });

  it('sets the limits again when only one differs, and leaves a sender alone that has them all', async () => {
    const video = new FakeSender({ kind: 'video' });
    video.parameters = { encodings: [{ maxBitrate: 600_000, scaleResolutionDownBy: 1, maxFramerate: 30 }], degradationPreference: 'maintain-resolution' };
    expect(await applyVideoPriority([video], 'face')).toBe(true);
    expect(video.parameters.encodings).toEqual([{ maxBitrate: 4_000_000, scaleResolutionDownBy: 1, maxFramerate: 30 }]);
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
