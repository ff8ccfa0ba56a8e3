import type { QualityCause, QualityGate, QualitySample, QualityThresholds } from '@vident/protocol';

/*
 * The quality gate's rule (issue 15), pure: samples of the received video in, green or red out.
 * A sample below a threshold names a cause; causes that last QualityThresholds.holdMs without a good
 * sample between turn the gate red (with the causes of the latest sample), and good samples for
 * the same time turn it green again. A figure the page could not measure (null) is no cause, and
 * a threshold of 0 turns its check off.
 */

/** The causes one sample shows against the thresholds, in QualityCause's order. */
export function causesOf(s: QualitySample, t: QualityThresholds): QualityCause[] {
  const causes: QualityCause[] = [];
  if ((s.width !== null && s.width < t.minWidth) || (s.height !== null && s.height < t.minHeight)) causes.push('resolution');
  if (s.fps !== null && s.fps < t.minFps) causes.push('frame_rate');
  if (s.freezeShare !== null && t.maxFreezeShare < 1 && s.freezeShare > t.maxFreezeShare) causes.push('freezes');
  if (s.brightness !== null && s.brightness < t.minBrightness) causes.push('brightness');
  if (s.sharpness !== null && s.sharpness < t.minSharpness) causes.push('sharpness');
  return causes;
}

/** The rule's memory between samples. */
export interface GateMemory {
  gate: QualityGate;
  /** Since when samples were bad (red pending) or good (green pending) without a break; null: none. */
  badSince: number | null;
  goodSince: number | null;
}

export const GREEN: QualityGate = { state: 'green', causes: [] };

export function initialGate(): GateMemory {
  return { gate: GREEN, badSince: null, goodSince: null };
}

/** The rule after one more sample taken at `at` (ms); `changed` when the gate must be reported. */
export function stepGate(m: GateMemory, sample: QualitySample, t: QualityThresholds, at: number): { memory: GateMemory; changed: boolean } {
  const causes = causesOf(sample, t);
  const bad = causes.length > 0;
  const badSince = bad ? (m.badSince ?? at) : null;
  const goodSince = bad ? null : (m.goodSince ?? at);
  let gate = m.gate;
  if (gate.state === 'green' && badSince !== null && at - badSince >= t.holdMs) gate = { state: 'red', causes };
  else if (gate.state === 'red' && bad && causes.join() !== gate.causes.join()) gate = { state: 'red', causes };
  else if (gate.state === 'red' && goodSince !== null && at - goodSince >= t.holdMs) gate = GREEN;
  return { memory: { gate, badSince, goodSince }, changed: gate !== m.gate };
}
