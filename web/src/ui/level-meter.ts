import { levelFromTimeDomain, smoothLevel } from '../mic-level.ts';

/**
 * Drives the `role="meter"` microphone bar from an AnalyserNode on the stream's audio (nothing is
 * played back). A timer, not requestAnimationFrame: it keeps moving in a background tab too.
 */
export class LevelMeter {
  private readonly context: AudioContext;
  private readonly timer: ReturnType<typeof setInterval>;
  private level = 0;

  constructor(stream: MediaStream, meter: HTMLElement) {
    this.context = new AudioContext();
    void this.context.resume().catch(() => undefined);
    const analyser = this.context.createAnalyser();
    analyser.fftSize = 1024;
    this.context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Uint8Array(analyser.fftSize);
    const fill = meter.querySelector<HTMLElement>('.meter-fill');
    this.timer = setInterval(() => {
      analyser.getByteTimeDomainData(samples);
      this.level = smoothLevel(this.level, levelFromTimeDomain(samples));
      meter.setAttribute('aria-valuenow', String(this.level));
      if (fill) fill.style.width = `${this.level}%`;
    }, 100);
  }

  stop(): void {
    clearInterval(this.timer);
    void this.context.close().catch(() => undefined);
  }
}
