/*
 * The face engine of face match (issue 14) as the agent's page uses it: one module worker
 * (/face-worker.js) running Human on the tfjs wasm backend, every file from vident's own origin
 * (web/build.mjs copies the models to /vendor/human/models/ and the wasm binaries to /vendor/tfjs/;
 * no CDN, no model hub). Images go to the worker as transferred ImageBitmaps, so detection never runs
 * on the thread that plays the call.
 */
import type { ModelRef } from '@vident/protocol';
import { describeChosenFace, type FaceDescription } from './face-choice.ts';
import { faceSimilarity } from './face-similarity.ts';
import type { FaceWorkerReply, FaceWorkerRequest } from './face-worker-protocol.ts';

/** Where web/build.mjs puts Human's files in web/dist (served as static assets). */
export const FACE_VENDOR_PATH = '/vendor/human/';
/** Where web/build.mjs puts the tfjs wasm binaries. */
export const TFJS_WASM_PATH = '/vendor/tfjs/';
/** The worker bundle (web/src/face/face-worker.ts). */
export const FACE_WORKER_PATH = '/face-worker.js';

/** The evidence's name of the face-description model; its version is Human's. */
export const FACE_MODEL_NAME = 'human-faceres';

/**
 * How long the worker may take to start (download ~11 MB on first use, compile the wasm, load the
 * models). Past this loading fails and the agent can try again.
 */
const START_TIMEOUT_MS = 120_000;
/** One image through detection, mesh, description and the hints; seconds on a slow machine. */
const DESCRIBE_TIMEOUT_MS = 30_000;

/** What the engine describes: a capture, a frame drawn on a canvas, pixels, or a playing video's current frame. */
export type FaceImage = ImageBitmap | HTMLCanvasElement | OffscreenCanvas | ImageData | HTMLVideoElement;

export interface FaceEngine {
  /** The model as results and the evidence name it. */
  readonly model: ModelRef;
  /** The face to compare in the image, or null when it holds no usable face. */
  describe(image: FaceImage): Promise<FaceDescription | null>;
  /** Human's similarity of two faces, 0-1 (2 decimals; above 0.5 is the model's published "match"). */
  similarity(a: FaceDescription, b: FaceDescription): number;
  /** Ends the worker; pending descriptions fail. */
  close(): void;
}

export interface FaceEngineOptions {
  /** The tfjs wasm binaries' folder. */
  wasmPath?: string;
  /** The worker bundle. */
  workerUrl?: string;
}

/**
 * Starts the worker and loads the models from `${base}models/`; resolves when the engine can
 * describe images (rejects after 2 minutes, or when the worker or its wasm backend fails).
 */
export async function loadFaceEngine(base = FACE_VENDOR_PATH, options: FaceEngineOptions = {}): Promise<FaceEngine> {
  const absolute = (path: string) => new URL(path, location.origin).href;
  const worker = new Worker(absolute(options.workerUrl ?? FACE_WORKER_PATH), { type: 'module', name: 'vident-face' });
  const pending = new Map<number, { resolve(reply: Extract<FaceWorkerReply, { type: 'described' }>): void; reject(error: Error): void }>();
  let nextId = 1;
  let closed = false;

  const failAll = (error: Error) => {
    for (const request of pending.values()) request.reject(error);
    pending.clear();
  };
  const send = (request: FaceWorkerRequest, transfer: Transferable[] = []) => worker.postMessage(request, transfer);

  let started: { humanVersion: string } | undefined;
  const startup = new Promise<{ humanVersion: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the face engine did not start')), START_TIMEOUT_MS);
    const finish = (outcome: () => void) => {
      clearTimeout(timer);
      outcome();
    };
    worker.addEventListener('error', (event) => {
      const error = new Error(`the face worker failed: ${event.message || 'it did not load'}`);
      finish(() => reject(error));
      failAll(error);
    });
    worker.addEventListener('message', (event: MessageEvent<FaceWorkerReply>) => {
      const message = event.data;
      if (message.type === 'started') {
        started = { humanVersion: message.humanVersion };
        finish(() => resolve({ humanVersion: message.humanVersion }));
      } else if (message.type === 'described') {
        pending.get(message.id)?.resolve(message);
        pending.delete(message.id);
      } else if (message.id === undefined) {
        if (!started) finish(() => reject(new Error(`the face engine did not start: ${message.message}`)));
      } else {
        pending.get(message.id)?.reject(new Error(message.message));
        pending.delete(message.id);
      }
    });
  });
  send({ type: 'start', paths: { modelBasePath: absolute(`${base}models/`), wasmPath: absolute(options.wasmPath ?? TFJS_WASM_PATH) } });
  let version: string;
  try {
    ({ humanVersion: version } = await startup);
  } catch (error) {
    worker.terminate();
    throw error;
  }

  return {
    model: { name: FACE_MODEL_NAME, version },
    async describe(image) {
      if (closed) throw new Error('the face engine is closed');
      // A copy, transferred: the caller's image stays usable, the worker closes the copy.
      const bitmap = await createImageBitmap(image);
      const id = nextId++;
      const described = new Promise<Extract<FaceWorkerReply, { type: 'described' }>>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error('the face engine did not answer'));
        }, DESCRIBE_TIMEOUT_MS);
        pending.set(id, {
          resolve: (reply) => (clearTimeout(timer), resolve(reply)),
          reject: (error) => (clearTimeout(timer), reject(error)),
        });
      });
      send({ type: 'describe', id, image: bitmap }, [bitmap]);
      const reply = await described;
      return describeChosenFace(reply.faces, reply.width, reply.height);
    },
    similarity: (a, b) => faceSimilarity(a.embedding, b.embedding),
    close() {
      closed = true;
      worker.terminate();
      failAll(new Error('the face engine is closed'));
    },
  };
}
