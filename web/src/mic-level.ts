/*
 * The microphone level meter's number: the RMS of one AnalyserNode time-domain frame (bytes, 128 =
 * silence), on a 0..100 scale that moves visibly for speech (about -50..0 dBFS). Pure.
 */

/** Level 0..100 of a `getByteTimeDomainData` frame. */
export function levelFromTimeDomain(samples: ArrayLike<number>): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = (samples[i]! - 128) / 128;
    sum += v * v;
  }
  const rms = Math.sqrt(sum / samples.length);
  if (rms <= 0) return 0;
  const db = 20 * Math.log10(rms);
  return Math.round(Math.min(100, Math.max(0, ((db + 50) / 50) * 100)));
}

/** Meter smoothing: rise at once, fall slowly, so short syllables stay readable. */
export function smoothLevel(previous: number, next: number): number {
  return next >= previous ? next : Math.round(previous * 0.8 + next * 0.2);
}
