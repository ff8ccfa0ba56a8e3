import type { Role } from '@vident/protocol';

/** One publish of one participant in a recorded session: what Janus records under `base`. */
export interface RecordingSegment {
  sessionId: string;
  participant: Role;
  /** 1 for the first publish, +1 per republish (numbered by the control plane). */
  segment: number;
  /** Recording base name of the .mjr files (recording-files.ts). */
  base: string;
}

/**
 * Which publisher handle records which segment. A segment ends for many reasons that can
 * arrive together (our leave / destroy / republish, Janus's hangup, unpublished or detached
 * events, a lost Janus connection); `end` hands each segment out exactly once, so it is
 * post-processed exactly once. Plain bookkeeping, generic over the handle type.
 */
export class RecordingSegments<H> {
  private readonly open = new Map<H, RecordingSegment>();

  /** Starts tracking the segment a publisher handle records. */
  begin(handle: H, segment: RecordingSegment): void {
    this.open.set(handle, segment);
  }

  /** The segment this handle records, if any, without ending it. */
  peek(handle: H): RecordingSegment | undefined {
    return this.open.get(handle);
  }

  /** Ends the segment of this handle: the segment the first time, undefined after (or if it records none). */
  end(handle: H): RecordingSegment | undefined {
    const segment = this.open.get(handle);
    this.open.delete(handle);
    return segment;
  }

  /** Ends every open segment (the Janus session died with its handles). */
  endAll(): RecordingSegment[] {
    const all = [...this.open.values()];
    this.open.clear();
    return all;
  }

  /** Whether a segment (by session and base) is still being recorded. */
  isOpen(segment: Pick<RecordingSegment, 'sessionId' | 'base'>): boolean {
    for (const open of this.open.values()) if (open.sessionId === segment.sessionId && open.base === segment.base) return true;
    return false;
  }

  /** Segments still being recorded. */
  get size(): number {
    return this.open.size;
  }
}
