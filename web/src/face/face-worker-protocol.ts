/*
 * The messages between the agent's page (face-engine.ts) and the face worker (face-worker.ts). Both
 * sides are vident's own code from this origin; the worker still checks what it is sent, so a stray
 * message (a browser extension posting to the worker, a mismatched bundle) gets an error, not a crash.
 */
import type { DetectedFace } from './face-choice.ts';

/** Where the worker loads Human's models and the tfjs wasm files from (URLs of this origin). */
export interface FaceWorkerPaths {
  modelBasePath: string;
  wasmPath: string;
}

export type FaceWorkerRequest =
  | { type: 'start'; paths: FaceWorkerPaths }
  /** `image` is transferred: the worker closes it. */
  | { type: 'describe'; id: number; image: ImageBitmap };

export type FaceWorkerReply =
  | { type: 'started'; humanVersion: string; backend: string }
  | { type: 'described'; id: number; faces: DetectedFace[]; width: number; height: number }
  /** `id` is absent when starting failed. */
  | { type: 'failed'; id?: number; message: string };

/** The request a message holds, or null when it is not one. */
export function parseFaceWorkerRequest(data: unknown): FaceWorkerRequest | null {
  if (typeof data !== 'object' || data === null) return null;
  const message = data as Record<string, unknown>;
  if (message.type === 'start') {
    const paths = message.paths as Record<string, unknown> | undefined;
    if (typeof paths?.modelBasePath === 'string' && typeof paths.wasmPath === 'string') {
      return { type: 'start', paths: { modelBasePath: paths.modelBasePath, wasmPath: paths.wasmPath } };
    }
    return null;
  }
  if (message.type === 'describe' && Number.isSafeInteger(message.id) && typeof ImageBitmap !== 'undefined' && message.image instanceof ImageBitmap) {
    return { type: 'describe', id: message.id as number, image: message.image };
  }
  return null;
}
