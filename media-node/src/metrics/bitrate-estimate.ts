import type { RegistryCounts } from '../sessions/session-registry.ts';

/** Nominal rate of one participant's audio + video (Opus ~40 kbps, VP8 at 640x480 ~500 kbps). */
export const NOMINAL_STREAM_KBPS = 540;

/**
 * The media bitrate the node carries, ESTIMATED from the legs it knows, not measured: each
 * publisher sends one nominal stream in, each subscriber gets one out. Muted streams and real
 * encoder rates are not seen; the metric's help text says so. (Measuring needs Janus's admin
 * handle_info per handle, which costs a round trip per handle per scrape.)
 */
export function estimateBitrateKbps(counts: Pick<RegistryCounts, 'publishers' | 'subscribers'>): number {
  return (counts.publishers + counts.subscribers) * NOMINAL_STREAM_KBPS;
}
