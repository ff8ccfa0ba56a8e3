import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpuPercentBetween, cpuTicksOf, JanusCpuSampler } from './janus-cpu.ts';
import { estimateBitrateKbps } from './bitrate-estimate.ts';

describe('cpuTicksOf', () => {
  it('adds utime and stime, whatever the command name holds', () => {
    const rest = 'S 1 2 3 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 100 0 0';
    expect(cpuTicksOf(`4242 (janus) ${rest}`)).toBe(300);
    expect(cpuTicksOf(`4242 (ja nus) (x)) ${rest}`)).toBe(300);
    expect(cpuTicksOf('garbage')).toBeNull();
    expect(cpuTicksOf('1 (x) S')).toBeNull();
  });
});

describe('cpuPercentBetween', () => {
  it('is the share of one core used between two samples', () => {
    expect(cpuPercentBetween({ ticks: 100, atMs: 0 }, { ticks: 150, atMs: 1000 })).toBe(50);
    expect(cpuPercentBetween({ ticks: 0, atMs: 0 }, { ticks: 400, atMs: 2000 })).toBe(200);
    expect(cpuPercentBetween({ ticks: 10, atMs: 5 }, { ticks: 5, atMs: 10 })).toBe(0);
    expect(cpuPercentBetween({ ticks: 0, atMs: 10 }, { ticks: 5, atMs: 10 })).toBe(0);
  });
});

describe('JanusCpuSampler', () => {
  it('answers 0 without a pid file, with a bad one, or for a process that is gone', async () => {
    expect(await new JanusCpuSampler(undefined).sample()).toBe(0);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'vident-cpu-'));
    try {
      expect(await new JanusCpuSampler(path.join(dir, 'missing.pid')).sample()).toBe(0);
      await writeFile(path.join(dir, 'bad.pid'), 'not a pid');
      expect(await new JanusCpuSampler(path.join(dir, 'bad.pid')).sample()).toBe(0);
      await writeFile(path.join(dir, 'gone.pid'), '2147483646');
      expect(await new JanusCpuSampler(path.join(dir, 'gone.pid')).sample()).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('estimateBitrateKbps', () => {
  it('counts one nominal stream per publisher and per subscriber', () => {
    expect(estimateBitrateKbps({ publishers: 0, subscribers: 0 })).toBe(0);
    expect(estimateBitrateKbps({ publishers: 2, subscribers: 2 })).toBe(4 * 540);
  });
});
