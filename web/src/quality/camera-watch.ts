import type { CameraSignal } from '@vident/protocol';
import { cameraSignals } from './camera-signals.ts';

/*
 * The customer's page watches its camera and itself during the call (issue 15) and sends what it
 * sees as `camera-signal`: a virtual camera's label or odd settings (once per camera), the page
 * hidden (with for how long) or losing focus, the camera changed or ended mid-call. At most
 * MAX_PER_KIND signals of a kind leave the page; the session keeps at most MAX_CAMERA_SIGNALS.
 */

const MAX_PER_KIND = 5;
const POLL_MS = 2_000;

export interface CameraWatchOptions {
  /** The page's camera stream now (null before it has one). */
  stream(): MediaStream | null;
  /** Whether the call is on (visibility and focus count only then). */
  inCall(): boolean;
  send(signal: CameraSignal): boolean;
}

export class CameraWatch {
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly sentPerKind = new Map<CameraSignal['kind'], number>();
  private readonly checkedTracks = new WeakSet<MediaStreamTrack>();
  private firstDeviceId: string | null = null;
  private lastTrack: MediaStreamTrack | null = null;
  private hiddenAt: number | null = null;
  private readonly onVisibility = () => this.visibilityChanged();
  private readonly onBlur = () => {
    if (this.opts.inCall()) this.raise({ kind: 'window_blur', detail: 'the page lost focus' });
  };

  constructor(private readonly opts: CameraWatchOptions) {}

  start(): void {
    if (this.timer !== undefined) return;
    document.addEventListener('visibilitychange', this.onVisibility);
    window.addEventListener('blur', this.onBlur);
    this.timer = setInterval(() => this.poll(), POLL_MS);
    this.poll();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    document.removeEventListener('visibilitychange', this.onVisibility);
    window.removeEventListener('blur', this.onBlur);
  }

  private poll(): void {
    const track = this.opts.stream()?.getVideoTracks()[0] ?? null;
    if (track === null) return;
    if (!this.checkedTracks.has(track)) {
      this.checkedTracks.add(track);
      for (const signal of cameraSignals(track.label, track.getSettings())) this.raise(signal);
      track.addEventListener('ended', () => {
        if (this.opts.inCall()) this.raise({ kind: 'camera_changed', detail: 'the camera track ended' });
      });
    }
    const deviceId = track.getSettings().deviceId ?? '';
    if (this.firstDeviceId === null) this.firstDeviceId = deviceId;
    else if (this.lastTrack !== track && deviceId !== this.firstDeviceId && this.opts.inCall()) {
      // The id only, never the label: a changed camera is the fact; its name is in the first signal if odd.
      this.raise({ kind: 'camera_changed', detail: `another camera (device ${deviceId.slice(0, 8)}…) replaced the first` });
    }
    this.lastTrack = track;
  }

  private visibilityChanged(): void {
    if (document.visibilityState === 'hidden') {
      if (this.opts.inCall()) this.hiddenAt = Date.now();
      return;
    }
    if (this.hiddenAt === null) return;
    const seconds = Math.max(1, Math.round((Date.now() - this.hiddenAt) / 1000));
    this.hiddenAt = null;
    this.raise({ kind: 'page_hidden', detail: `the page was hidden for ${seconds} s` });
  }

  private raise(signal: CameraSignal): void {
    const n = this.sentPerKind.get(signal.kind) ?? 0;
    if (n >= MAX_PER_KIND) return;
    if (this.opts.send(signal)) this.sentPerKind.set(signal.kind, n + 1);
  }
}
