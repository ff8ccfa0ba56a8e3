/*
 * The ID capture's face against the face capture's, through the engine (the I/O shell around
 * compareCaptureFaces). The ID face is returned too: the call-long sampling compares frames with it.
 */
import type { FaceMatchThresholds } from '@vident/protocol';
import type { FaceDescription } from './face-choice.ts';
import type { FaceEngine, FaceImage } from './face-engine.ts';
import { compareCaptureFaces, type CaptureComparison } from './face-match-result.ts';

export interface CaptureFaceMatch {
  comparison: CaptureComparison;
  /** The ID capture's face, or null when it has none. */
  idFace: FaceDescription | null;
}

export async function matchCaptureFaces(
  engine: Pick<FaceEngine, 'describe' | 'similarity' | 'model'>,
  idCapture: FaceImage,
  faceCapture: FaceImage,
  thresholds: FaceMatchThresholds,
  now: () => Date = () => new Date(),
): Promise<CaptureFaceMatch> {
  const idFace = await engine.describe(idCapture);
  const liveFace = idFace ? await engine.describe(faceCapture) : null;
  const comparison = compareCaptureFaces(idFace, liveFace, (a, b) => engine.similarity(a, b), { thresholds, model: engine.model, measuredAt: now() });
  return { comparison, idFace };
}
