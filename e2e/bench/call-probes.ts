/*
 * What the network-profiles bench reads from inside the call pages, beyond `window.vident.stats()`:
 * the frame counter of the fake camera as each shown frame carries it (frame-counter.ts; read per
 * frame with requestVideoFrameCallback and a canvas sample of the top band, decoded here in Node),
 * and the customer's sender as Chromium's raw getStats has it (encoder frame rate, encode time,
 * how long the encoder was limited by CPU or bandwidth), which the page's summary leaves out.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { BAND_HEIGHT, COUNTER_FRAME, decodeCounter, SAMPLE_ROWS, SAMPLE_WIDTH, type CounterSighting } from './frame-counter.ts';

/** tsx (the bench's runner) names functions with esbuild's `__name` helper, which a page does not have. */
const NAME_SHIM = 'globalThis.__name ??= (f) => f';

/** Keeps every RTCPeerConnection the context's pages make in `window.__benchPcs` (before their scripts run). */
export async function keepPeerConnections(context: BrowserContext): Promise<void> {
  await context.addInitScript({ content: NAME_SHIM });
  await context.addInitScript(() => {
    const Original = window.RTCPeerConnection;
    const kept: RTCPeerConnection[] = [];
    (window as unknown as { __benchPcs: RTCPeerConnection[] }).__benchPcs = kept;
    window.RTCPeerConnection = class extends Original {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args);
        kept.push(this);
      }
    } as typeof RTCPeerConnection;
  });
}

/** Cumulative counters of the page's largest outbound video stream (raw getStats). */
export interface SenderSample {
  atMs: number;
  /** Frames the camera track delivered (media-source `frames`). */
  cameraFrames: number;
  framesEncoded: number;
  /** Seconds spent encoding `framesEncoded`. */
  totalEncodeTime: number;
  frameWidth: number | null;
  frameHeight: number | null;
  /** Seconds per reason (none, cpu, bandwidth, other). */
  limitation: Record<string, number>;
  encoder: string | null;
  /** Video bytes sent so far; the encoder's target and the leg's bandwidth estimate now (bit/s). */
  bytesSent: number;
  targetBitrate: number | null;
  availableOutgoingBitrate: number | null;
}

export async function senderSample(page: Page): Promise<SenderSample | null> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __benchPcs?: RTCPeerConnection[] }).__benchPcs ?? [];
    let best: Record<string, unknown> | null = null;
    let source: Record<string, unknown> | null = null;
    let pair: Record<string, unknown> | null = null;
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      const entries: Record<string, unknown>[] = [];
      (await pc.getStats()).forEach((e: Record<string, unknown>) => entries.push(e));
      for (const e of entries) {
        if (e.type === 'outbound-rtp' && e.kind === 'video' && Number(e.bytesSent ?? 0) > Number(best?.bytesSent ?? -1)) {
          best = e;
          source = entries.find((m) => m.id === e.mediaSourceId) ?? null;
          const transport = entries.find((t) => t.type === 'transport');
          pair = entries.find((c) => c.id === transport?.selectedCandidatePairId) ?? null;
        }
      }
    }
    if (!best) return null;
    return {
      atMs: performance.timeOrigin + performance.now(),
      cameraFrames: Number(source?.frames ?? 0),
      framesEncoded: Number(best.framesEncoded ?? 0),
      totalEncodeTime: Number(best.totalEncodeTime ?? 0),
      frameWidth: typeof best.frameWidth === 'number' ? best.frameWidth : null,
      frameHeight: typeof best.frameHeight === 'number' ? best.frameHeight : null,
      limitation: { ...((best.qualityLimitationDurations as Record<string, number> | undefined) ?? {}) },
      encoder: typeof best.encoderImplementation === 'string' ? best.encoderImplementation : null,
      bytesSent: Number(best.bytesSent ?? 0),
      targetBitrate: typeof best.targetBitrate === 'number' ? best.targetBitrate : null,
      availableOutgoingBitrate: typeof pair?.availableOutgoingBitrate === 'number' ? pair.availableOutgoingBitrate : null,
    };
  });
}

/** The sender over a window: camera and encoder frame rates, encode time, shares of time limited. */
export function senderWindow(from: SenderSample, to: SenderSample) {
  const seconds = (to.atMs - from.atMs) / 1000;
  const encoded = to.framesEncoded - from.framesEncoded;
  const limited: Record<string, number> = {};
  for (const [reason, total] of Object.entries(to.limitation)) limited[reason] = (total - (from.limitation[reason] ?? 0)) / seconds;
  return {
    cameraFps: (to.cameraFrames - from.cameraFrames) / seconds,
    encodedFps: encoded / seconds,
    encodeMsPerFrame: encoded > 0 ? ((to.totalEncodeTime - from.totalEncodeTime) / encoded) * 1000 : null,
    /** Share of the window (0..1) per qualityLimitationReason. */
    limited,
    encoder: to.encoder,
    sentKbit: ((to.bytesSent - from.bytesSent) * 8) / seconds / 1000,
  };
}

/**
 * Starts sampling the counter band of every frame `selector`'s video element shows. The sample is
 * the band scaled to SAMPLE_WIDTH x SAMPLE_ROWS, in grey, with the frame's expected display time on
 * the browser's shared wall clock (performance.timeOrigin + expectedDisplayTime).
 */
export async function startCounterReader(page: Page, selector: string): Promise<void> {
  await page.evaluate(NAME_SHIM);
  await page.evaluate(
    ({ selector, width, rows, band }) => {
      const video = document.querySelector<HTMLVideoElement>(selector);
      if (!video) throw new Error(`no ${selector}`);
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = rows;
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
      const reader = { shown: [] as Array<[number, string]>, stop: false };
      (window as unknown as { __benchCounter: typeof reader }).__benchCounter = reader;
      const onFrame = (_now: number, meta: VideoFrameCallbackMetadata) => {
        if (reader.stop) return;
        if (video.videoWidth > 0 && video.videoHeight > 0) {
          ctx.drawImage(video, 0, 0, video.videoWidth, video.videoHeight * band, 0, 0, width, rows);
          const rgba = ctx.getImageData(0, 0, width, rows).data;
          let grey = '';
          for (let i = 0; i < width * rows; i++) grey += String.fromCharCode((rgba[i * 4]! * 299 + rgba[i * 4 + 1]! * 587 + rgba[i * 4 + 2]! * 114) / 1000);
          reader.shown.push([performance.timeOrigin + meta.expectedDisplayTime, grey]);
        }
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
    },
    { selector, width: SAMPLE_WIDTH, rows: SAMPLE_ROWS, band: BAND_HEIGHT / COUNTER_FRAME.height },
  );
}

export interface CounterReading {
  /** Frames shown while reading, and how many carried a readable counter. */
  shown: number;
  sightings: CounterSighting[];
  /** The longest time between two frames shown (ms): the longest freeze the viewer saw. */
  longestGapMs: number | null;
}

/** Stops the page's reader and decodes what it sampled. */
export async function stopCounterReader(page: Page): Promise<CounterReading> {
  const shown = await page.evaluate(() => {
    const reader = (window as unknown as { __benchCounter: { shown: Array<[number, string]>; stop: boolean } }).__benchCounter;
    reader.stop = true;
    return reader.shown;
  });
  const sightings: CounterSighting[] = [];
  let longestGapMs: number | null = null;
  for (let i = 0; i < shown.length; i++) {
    const [atMs, grey] = shown[i]!;
    if (i > 0) longestGapMs = Math.max(longestGapMs ?? 0, atMs - shown[i - 1]![0]);
    const n = decodeCounter(Array.from(grey, (c) => c.charCodeAt(0)));
    if (n !== null) sightings.push({ atMs, n });
  }
  return { shown: shown.length, sightings, longestGapMs };
}
