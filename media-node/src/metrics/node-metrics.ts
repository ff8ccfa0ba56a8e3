import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RegistryCounts } from '../sessions/session-registry.ts';
import { estimateBitrateKbps } from './bitrate-estimate.ts';

/** Where the gauges read their values at scrape time. */
export interface MetricSources {
  counts: () => RegistryCounts;
  janusUp: () => boolean;
  /** Janus CPU in percent of one core (JanusCpuSampler), 0 when unknown. */
  janusCpuPercent: () => number | Promise<number>;
  /** Outbox entries not yet stored by the control plane. */
  uploadsPending: () => number;
}

/**
 * The sidecar's Prometheus metrics, in a registry of its own (not prom-client's global one), so
 * several apps in one process (tests) never share or double-register series.
 */
export class NodeMetrics {
  readonly registry = new Registry();
  private readonly commandSeconds: Histogram<'command' | 'outcome'>;
  private readonly sealed: Counter;
  private readonly uploaded: Counter;
  private readonly unconverted: Counter<'outcome'>;

  constructor(sources: MetricSources) {
    const r = [this.registry];
    const gauge = (name: string, help: string, read: () => number | Promise<number>) =>
      new Gauge({
        name,
        help,
        registers: r,
        async collect() {
          this.set(await read());
        },
      });
    gauge('vident_sessions', 'Verification sessions (Janus rooms) this node hosts now', () => sources.counts().sessions);
    gauge('vident_publishers', 'Participants publishing media on this node now', () => sources.counts().publishers);
    gauge('vident_subscribers', 'Participants receiving media from this node now', () => sources.counts().subscribers);
    gauge(
      'vident_bitrate_kbps',
      'ESTIMATED media bitrate in kbps, not measured: (publishers + subscribers) x 540 kbps nominal (Opus + VP8 640x480); mutes and real encoder rates are not seen',
      () => estimateBitrateKbps(sources.counts()),
    );
    gauge('vident_janus_up', '1 while the sidecar holds a working connection to Janus, else 0', () => (sources.janusUp() ? 1 : 0));
    gauge(
      'vident_janus_cpu_percent',
      "Janus's CPU use in percent of one core since the previous sample, from /proc/<pid>/stat (JANUS_PID_FILE); 0 when the pid is unknown",
      sources.janusCpuPercent,
    );
    gauge('vident_uploads_pending', 'Sealed evidence artifacts in the outbox not yet stored by the control plane', sources.uploadsPending);
    this.commandSeconds = new Histogram({
      name: 'vident_command_duration_seconds',
      help: "Time to execute a control-plane command against Janus, by command type and outcome ('ok' or the error code)",
      labelNames: ['command', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: r,
    });
    this.sealed = new Counter({
      name: 'vident_recordings_sealed_total',
      help: 'Recording segments sealed with the bank key into the outbox',
      registers: r,
    });
    this.unconverted = new Counter({
      name: 'vident_recordings_unconverted_total',
      help: "Recording segments whose conversion failed after every retry: raw files sealed as they are ('sealed-raw') or deleted for want of a bank key ('purged')",
      labelNames: ['outcome'],
      registers: r,
    });
    this.uploaded = new Counter({
      name: 'vident_upload_bytes_total',
      help: 'Sealed evidence bytes the control plane accepted (upload parts answered 200)',
      registers: r,
    });
  }

  observeCommand(command: string, outcome: string, seconds: number): void {
    this.commandSeconds.observe({ command, outcome }, seconds);
  }

  recordingSealed(): void {
    this.sealed.inc();
  }

  recordingUnconverted(outcome: 'sealed-raw' | 'purged'): void {
    this.unconverted.inc({ outcome });
  }

  uploadedBytes(bytes: number): void {
    this.uploaded.inc(bytes);
  }

  /** The text exposition format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
