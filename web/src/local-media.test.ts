import { describe, expect, it } from 'vitest';
import { LocalMedia, type TrackSet } from './local-media.ts';

/** Tracks as plain objects: LocalMedia only flips `enabled` and calls `stop()`. */
class Track {
  enabled = true;
  stopped = false;
  stop(): void {
    this.stopped = true;
  }
}

class Stream implements TrackSet {
  readonly audio = new Track();
  readonly video = new Track();
  getTracks() {
    return [this.audio, this.video];
  }
  getAudioTracks() {
    return [this.audio];
  }
  getVideoTracks() {
    return [this.video];
  }
}

describe('LocalMedia', () => {
  it('asks the browser only when needed, once for concurrent callers', async () => {
    let asked = 0;
    const media = new LocalMedia(async () => {
      asked++;
      return new Stream();
    });
    expect(asked).toBe(0);
    const [a, b] = await Promise.all([media.get(), media.get()]);
    expect(a).toBe(b);
    expect(await media.get()).toBe(a);
    expect(asked).toBe(1);
  });

  it('asks again after a refusal', async () => {
    let asked = 0;
    const media = new LocalMedia(async () => {
      asked++;
      if (asked === 1) throw new Error('NotAllowedError');
      return new Stream();
    });
    await expect(media.get()).rejects.toThrow('NotAllowedError');
    expect(media.current).toBeNull();
    expect(await media.get()).toBeInstanceOf(Stream);
    expect(asked).toBe(2);
  });

  it('starts a late stream in the mic/camera state chosen before it arrived', async () => {
    const media = new LocalMedia(async () => new Stream());
    media.setEnabled({ audio: false, video: true });
    const stream = await media.get();
    expect([stream.audio.enabled, stream.video.enabled]).toEqual([false, true]);
    media.setEnabled({ audio: true, video: false });
    expect([stream.audio.enabled, stream.video.enabled]).toEqual([true, false]);
  });

  it('stops the tracks at the end, and a grant that arrives after the end at once', async () => {
    const live = new LocalMedia(async () => new Stream());
    const stream = await live.get();
    live.stop();
    expect(stream.getTracks().every((t) => t.stopped)).toBe(true);

    let grant: (s: Stream) => void = () => {};
    const late = new Stream();
    const media = new LocalMedia(() => new Promise<Stream>((resolve) => (grant = resolve)));
    const pending = media.get();
    media.stop();
    grant(late);
    await expect(pending).rejects.toThrow();
    expect(late.getTracks().every((t) => t.stopped)).toBe(true);
    expect(media.current).toBeNull();
  });
});
