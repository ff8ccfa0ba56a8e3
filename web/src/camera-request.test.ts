import { describe, expect, it, vi } from 'vitest';
import { requestCamera, videoConstraints } from './camera-request.ts';
import { mediaConstraints } from './precheck-state.ts';

const named = (name: string) => Object.assign(new Error(name), { name });
const stream = { id: 'granted' } as unknown as MediaStream;
const ask = (choice: { cameraId: string | null; microphoneId: string | null } = { cameraId: null, microphoneId: null }) => (q: Parameters<typeof mediaConstraints>[1]) => mediaConstraints(choice, q);

describe('the camera request', () => {
  it('asks for HD (1280x720, at most 30 fps) as ideals first', async () => {
    const getUserMedia = vi.fn(async () => stream);
    expect(await requestCamera(getUserMedia, ask())).toBe(stream);
    expect(getUserMedia.mock.calls).toEqual([
      [{ audio: true, video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30, max: 30 } } }],
    ]);
  });

  it('steps down to VGA, then to any mode, only when the device cannot meet the request', async () => {
    const getUserMedia = vi.fn().mockRejectedValueOnce(named('OverconstrainedError')).mockRejectedValueOnce(named('OverconstrainedError')).mockResolvedValue(stream);
    expect(await requestCamera(getUserMedia, ask({ cameraId: 'cam-back', microphoneId: null }))).toBe(stream);
    expect(getUserMedia.mock.calls.map(([c]) => (c as MediaStreamConstraints).video)).toEqual([
      { ...videoConstraints('hd'), deviceId: { exact: 'cam-back' } },
      { width: { ideal: 640 }, height: { ideal: 480 }, deviceId: { exact: 'cam-back' } },
      { deviceId: { exact: 'cam-back' } },
    ]);
  });

  it('does not ask again after a refusal that asking for less cannot cure', async () => {
    const getUserMedia = vi.fn().mockRejectedValue(named('NotAllowedError'));
    await expect(requestCamera(getUserMedia, ask())).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(getUserMedia).toHaveBeenCalledTimes(1);
  });

  it('answers the last refusal when every step was refused', async () => {
    const last = named('OverconstrainedError');
    const getUserMedia = vi.fn().mockRejectedValueOnce(named('OverconstrainedError')).mockRejectedValueOnce(named('OverconstrainedError')).mockRejectedValueOnce(last);
    await expect(requestCamera(getUserMedia, ask())).rejects.toBe(last);
    expect(getUserMedia).toHaveBeenCalledTimes(3);
  });
});
