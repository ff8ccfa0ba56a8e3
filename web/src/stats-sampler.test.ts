import { describe, expect, it } from 'vitest';
import { StatsSampler } from './stats-sampler.ts';

/** A sampler whose sample is the given function. */
class Sampler extends StatsSampler {
  constructor(private readonly run: () => Promise<void>) {
    super(1000);
  }
  protected sample(): Promise<void> {
    return this.run();
  }
}

describe('StatsSampler', () => {
  it('takes one sample at a time: a tick while one is running is skipped', async () => {
    let runs = 0;
    let release!: () => void;
    const sampler = new Sampler(() => {
      runs++;
      return new Promise<void>((resolve) => (release = resolve));
    });
    const first = sampler.tick();
    await sampler.tick();
    expect(runs).toBe(1);
    release();
    await first;
    const third = sampler.tick();
    expect(runs).toBe(2);
    release();
    await third;
  });

  it('drops a sample that fails (a closed leg) and samples again at the next tick', async () => {
    let runs = 0;
    const sampler = new Sampler(async () => {
      runs++;
      if (runs === 1) throw new DOMException('closed', 'InvalidStateError');
    });
    await expect(sampler.tick()).resolves.toBeUndefined();
    await sampler.tick();
    expect(runs).toBe(2);
  });
});
