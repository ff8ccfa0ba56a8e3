import type { NodeEvent } from '@vident/protocol';
import type { RecordingSegment } from './recording-segments.ts';

/** A finished segment as reported in the `recording-ready` event. */
export interface ConvertedRecording {
  outcome?: undefined;
  /** Where the sealed artifact waits for upload. */
  file: string;
  durationMs: number;
  /** Size of the sealed file. */
  bytes: number;
}

/**
 * A segment whose conversion failed until its retry budget was spent (unconverted-segment.ts):
 * its raw files were sealed as they are, or purged without a bank key. Reported as
 * `recording-unconverted` (the session audits it), then as `recording-failed` when purged.
 */
export interface UnconvertedRecording {
  outcome: 'sealed-raw' | 'purged';
  attempts: number;
  /** The last conversion error, and why the files were purged. */
  message: string;
}

export type ProcessedRecording = ConvertedRecording | UnconvertedRecording;

/** Thrown by a process step the sidecar's shutdown cut short: nothing is reported, the files stay for the next run. */
export class RecordingDeferred extends Error {
  override name = 'RecordingDeferred';
}

export interface SegmentJobsDeps {
  /**
   * Turns one finished segment into a sealed outbox entry (seal-segment.ts); null when Janus
   * wrote nothing for it. Injected so tests can use the real one or skip it.
   */
  process: (segment: RecordingSegment) => Promise<ProcessedRecording | null>;
  reportEvent: (event: NodeEvent) => void;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

/**
 * Runs the post-processing of finished segments in the background and reports each outcome to
 * the control plane (`recording-ready` / `recording-failed`). A segment already being processed
 * is not started again (a left-over found on disk may also be ended by a late Janus event).
 */
export class SegmentJobs {
  /** Jobs still running; shutdown and tests await them. */
  readonly pending = new Set<Promise<void>>();
  private readonly running = new Set<string>();

  constructor(private readonly deps: SegmentJobsDeps) {}

  schedule(segment: RecordingSegment): void {
    const key = `${segment.sessionId}/${segment.base}`;
    if (this.running.has(key)) return;
    this.running.add(key);
    const { sessionId, participant, segment: number } = segment;
    const job = this.deps
      .process(segment)
      .then((recording) => {
        if (!recording) {
          this.deps.log.info({ sessionId, participant, segment: number }, 'segment carried no media: nothing recorded');
          this.deps.reportEvent({ type: 'recording-empty', sessionId, participant, segment: number });
          return;
        }
        if (recording.outcome !== undefined) {
          const { outcome, attempts, message } = recording;
          this.deps.log.warn({ sessionId, participant, segment: number, outcome, attempts, err: message }, 'recording not converted: raw files sealed or purged');
          this.deps.reportEvent({ type: 'recording-unconverted', sessionId, participant, segment: number, outcome, attempts, message });
          if (outcome === 'purged') this.deps.reportEvent({ type: 'recording-failed', sessionId, participant, segment: number, message });
          return;
        }
        this.deps.log.info({ sessionId, participant, segment: number, durationMs: recording.durationMs, bytes: recording.bytes }, 'recording sealed');
        // Exactly the event's fields: the control plane parses events strictly.
        this.deps.reportEvent({ type: 'recording-ready', sessionId, participant, file: recording.file, durationMs: recording.durationMs, bytes: recording.bytes });
      })
      .catch((err: unknown) => {
        if (err instanceof RecordingDeferred) return;
        const message = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
        this.deps.log.warn({ sessionId, participant, segment: number, err: message }, 'recording failed');
        this.deps.reportEvent({ type: 'recording-failed', sessionId, participant, segment: number, message });
      })
      .finally(() => {
        this.pending.delete(job);
        this.running.delete(key);
      });
    this.pending.add(job);
  }
}
