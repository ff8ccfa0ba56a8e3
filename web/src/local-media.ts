import type { MediaState } from '@vident/protocol';

/**
 * The page's camera and microphone, asked for once and only when the call needs them: for a
 * recorded session that is after the customer's consent, so no media starts before it. A refused
 * request can be retried; once stopped (call over) any late grant is stopped at once.
 */
/** The part of a MediaStream this class uses (a real MediaStream in the page). */
export interface TrackSet {
  getTracks(): { stop(): void }[];
  getAudioTracks(): { enabled: boolean }[];
  getVideoTracks(): { enabled: boolean }[];
}

export class LocalMedia<S extends TrackSet = MediaStream> {
  private stream: S | null = null;
  private pending: Promise<S> | null = null;
  private stopped = false;
  private enabled: MediaState = { audio: true, video: true };

  constructor(private readonly acquire: () => Promise<S>) {}

  get current(): S | null {
    return this.stream;
  }

  /** The stream, asking the browser the first time; concurrent callers share one request. */
  get(): Promise<S> {
    if (this.stream !== null) return Promise.resolve(this.stream);
    this.pending ??= this.acquire().then(
      (stream) => {
        this.pending = null;
        if (this.stopped) {
          for (const t of stream.getTracks()) t.stop();
          throw new Error('the call ended before the camera started');
        }
        this.stream = stream;
        this.apply();
        return stream;
      },
      (err: unknown) => {
        this.pending = null;
        throw err;
      },
    );
    return this.pending;
  }

  /** Mic/camera switches; remembered so a stream granted later starts in the chosen state. */
  setEnabled(media: MediaState): void {
    this.enabled = { ...media };
    this.apply();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.stream?.getTracks() ?? []) t.stop();
  }

  private apply(): void {
    for (const t of this.stream?.getAudioTracks() ?? []) t.enabled = this.enabled.audio;
    for (const t of this.stream?.getVideoTracks() ?? []) t.enabled = this.enabled.video;
  }
}
