import type { CameraSignal } from '@vident/protocol';
import { cameraSignals } from './camera-signals.ts';

/*
 * The customer's page watches its camera and itself during the call (issue 15) and sends what it
 * sees as `camera-signal`: a virtual camera's label or odd settings (once per camera), the page
 * hidden (with for how long) or losing focus, the camera changed (which camera of the call took over)
 * or ended mid-call. Codes and figures only: the agent's page words them (risk-flag-text.ts). At most
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
  /** The cameras of the call by deviceId, in the order first seen (1 = the first). */
  private readonly cameras = new Map<string, number>();
  private lastTrack: MediaStreamTrack | null = null;
  private hiddenAt: number | null = null;
  private readonly onVisibility = () => this.visibilityChanged();
  private readonly onBlur = () => {
    if (this.opts.inCall()) this.raise({ kind: 'window_blur' });
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
        if (this.opts.inCall()) this.raise({ kind: 'camera_changed', change: 'ended' });
      });
    }
    const deviceId = track.getSettings().deviceId ?? '';
    const camera = this.cameras.get(deviceId) ?? this.cameras.size + 1;
    this.cameras.set(deviceId, camera);
    if (this.lastTrack !== null && this.lastTrack !== track && camera !== 1 && this.opts.inCall()) {
      // Which camera of the call, never its id or label: a changed camera is the fact; its name is in the first signal if odd.
      this.raise({ kind: 'camera_changed', change: 'replaced', camera: Math.min(100, camera) });
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
    this.raise({ kind: 'page_hidden', seconds: Math.min(86_400, seconds) });
  }

  private raise(signal: CameraSignal): void {
    const n = this.sentPerKind.get(signal.kind) ?? 0;
    if (n >= MAX_PER_KIND) return;
    if (this.opts.send(signal)) this.sentPerKind.set(signal.kind, n + 1);
  }
}
