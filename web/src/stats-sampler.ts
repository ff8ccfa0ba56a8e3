/**
 * Takes one leg's stats sample (`sample`) every `intervalMs` while started, one at a time: a slow
 * getStats does not pile samples up, and a sample that fails (the leg was closed meanwhile; its
 * owner stops the sampler with it) is dropped. The base of the receive buffer's tuner and the
 * face's ladder.
 */
export abstract class StatsSampler {
  private timer: ReturnType<typeof setInterval> | undefined;
  private sampling = false;

  protected constructor(private readonly intervalMs: number) {}

  /** One look at the leg's stats and what follows from it. */
  protected abstract sample(): Promise<void>;

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One sample (the timer's job; a test calls it directly). */
  async tick(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    try {
      await this.sample();
    } catch {
      // A closed leg answers nothing.
    } finally {
      this.sampling = false;
    }
  }
}
