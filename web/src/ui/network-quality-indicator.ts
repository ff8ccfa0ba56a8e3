import type { Locale } from '@vident/protocol';
import { qualityKey, translate } from '../i18n.ts';
import {
  classifyNetworkQuality,
  measureNetwork,
  QUALITY_INTERVAL_MS,
  type NetworkCounters,
  type NetworkMeasure,
  type NetworkQuality,
} from '../network-quality.ts';
import { byTestId, setText } from './dom.ts';

export interface NetworkQualitySource {
  counters(): Promise<NetworkCounters>;
  /** Whether our camera is on (bitrate only counts then). */
  videoOn(): boolean;
}

/**
 * The call bar's quality bars: every QUALITY_INTERVAL_MS it samples getStats, classifies the
 * interval and shows the level (data-level) with the numbers in its accessible name and tooltip.
 */
export class NetworkQualityIndicator {
  private readonly root = byTestId('network-quality');
  private readonly word = this.root.querySelector<HTMLElement>('.net-quality-text')!;
  private timer: ReturnType<typeof setInterval> | undefined;
  private previous: NetworkCounters | null = null;
  private sampling = false;

  constructor(
    private readonly locale: () => Locale,
    private readonly source: NetworkQualitySource,
  ) {
    this.show('unknown', { bitrateKbps: null, lossPercent: null, rttMs: null });
  }

  start(): void {
    this.timer ??= setInterval(() => void this.sample(), QUALITY_INTERVAL_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async sample(): Promise<void> {
    // A slow getStats must not pile samples up.
    if (this.sampling) return;
    this.sampling = true;
    try {
      const current = await this.source.counters();
      const measure = measureNetwork(this.previous, current);
      this.previous = current;
      if (this.timer !== undefined) this.show(classifyNetworkQuality(measure, { videoOn: this.source.videoOn() }), measure);
    } catch (err) {
      console.warn('vident: getStats failed', err instanceof Error ? err.message : err);
    } finally {
      this.sampling = false;
    }
  }

  private show(level: NetworkQuality, m: NetworkMeasure): void {
    const locale = this.locale();
    const word = translate(locale, qualityKey(level));
    const label = translate(locale, 'quality.detail', {
      level: word,
      bitrate: fmt(m.bitrateKbps, 0),
      loss: fmt(m.lossPercent, 1),
      rtt: fmt(m.rttMs, 0),
    });
    this.root.dataset.level = level;
    this.root.dataset.bitrateKbps = fmt(m.bitrateKbps, 0);
    this.root.dataset.lossPercent = fmt(m.lossPercent, 1);
    this.root.dataset.rttMs = fmt(m.rttMs, 0);
    this.root.dataset.frozenPercent = fmt(m.frozenPercent ?? null, 0);
    this.root.setAttribute('aria-label', label);
    this.root.title = label;
    setText(this.word, word);
  }
}

function fmt(value: number | null, digits: number): string {
  return value === null ? '–' : value.toFixed(digits);
}
