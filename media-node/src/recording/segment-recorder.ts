/*
 * The recording segments of the live publisher legs, from the publish that begins one to the
 * sealed outbox entry: which handle records which segment (recording-segments.ts) and the
 * background jobs that finish ended segments (segment-jobs.ts). A segment is finished once,
 * whichever signal ends it first; segments of legs set aside with a lost Janus connection are
 * finished by the continuity logic (sessions/janus-continuity.ts) once the legs are known gone.
 */
import { RecordingSegments, type RecordingSegment } from './recording-segments.ts';
import { SegmentJobs, type SegmentJobsDeps } from './segment-jobs.ts';

/** The recordings of the live legs; generic over the handle type so it is tested without Janus. */
export class SegmentRecorder<H> {
  private readonly open = new RecordingSegments<H>();
  private readonly jobs: SegmentJobs;

  constructor(deps: SegmentJobsDeps) {
    this.jobs = new SegmentJobs(deps);
  }

  /** Segments being converted and sealed; tests and shutdown can await them. */
  get pending(): ReadonlySet<Promise<void>> {
    return this.jobs.pending;
  }

  /** A publisher handle starts recording `segment` (tracked before Janus can report anything about it). */
  begin(handle: H, segment: RecordingSegment): void {
    this.open.begin(handle, segment);
  }

  /** The segment a handle records, if any (the state file keeps it). */
  peek(handle: H): RecordingSegment | undefined {
    return this.open.peek(handle);
  }

  /** Ends the segment a publisher handle recorded and finishes it (once, whichever signal comes first). */
  end(handle: H): void {
    const segment = this.open.end(handle);
    if (segment) this.jobs.schedule(segment);
  }

  /**
   * Stops tracking a handle's segment without finishing it: Janus refused its publish, so nothing was
   * recorded, and the same segment is published again on another handle (an empty report would tell
   * the control plane the segment holds nothing).
   */
  discard(handle: H): void {
    this.open.end(handle);
  }

  /**
   * Stops tracking every segment without finishing it: the handles went with the Janus connection
   * but may live on in Janus, still recording (the state file keeps their segments meanwhile).
   */
  setAsideAll(): void {
    this.open.endAll();
  }

  /** Finishes a segment no live handle records any more (its leg is gone). */
  finish(segment: RecordingSegment): void {
    this.jobs.schedule(segment);
  }

  /** Finishes the segments a previous run of the sidecar left on disk (segment-recovery.ts), except those still recorded. */
  recoverLeftovers(segments: RecordingSegment[]): void {
    for (const segment of segments) if (!this.open.isOpen(segment)) this.jobs.schedule(segment);
  }
}
