/*
 * The face worker (web/dist/face-worker.js, a module worker started by face-engine.ts): Human with
 * the tfjs wasm backend, off the page's main thread so the call never stutters. Only the face
 * pipeline runs (blazeface detection, facemesh for alignment, faceres for the embedding, antispoof and
 * liveness as hints); every other module is off, so no other model is ever fetched. Models come from
 * `modelBasePath`, the wasm binaries from `wasmPath`: both this origin's /vendor/ folders, never a CDN.
 */
import { Human, type Config } from '@vladmandic/human';
import type { DetectedFace } from './face-choice.ts';
import { parseFaceWorkerRequest, type FaceWorkerPaths, type FaceWorkerReply } from './face-worker-protocol.ts';
import { eyeOpenness, poseDegrees } from './face-pose.ts';
import { boxInImage, squareFrame } from './square-frame.ts';

/** At most this many faces per image: enough to notice a second person, bounded work. */
const MAX_FACES = 4;

function humanConfig(paths: FaceWorkerPaths): Partial<Config> {
  return {
    backend: 'wasm',
    wasmPath: paths.wasmPath,
    // tfjs fetches the wasm itself from wasmPath (same URL either way); false keeps its own loader.
    wasmPlatformFetch: false,
    modelBasePath: paths.modelBasePath,
    // Human's IndexedDB copy is keyed by model name only (no version): a model changed by an upgrade
    // would be read stale. The browser's HTTP cache (ETag) keeps the files instead.
    cacheModels: false,
    debug: false,
    // Its warm-up draws an image with `new Image()`, which a worker does not have.
    warmup: 'none',
    // Every image is a new one (an ID capture, then a frame seconds later): never reuse a result.
    cacheSensitivity: 0,
    filter: { enabled: false },
    gesture: { enabled: false },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    segmentation: { enabled: false },
    face: {
      enabled: true,
      // Rotation correction from the mesh: faceres is given an upright face, as it was trained on.
      detector: { rotation: true, maxDetected: MAX_FACES, minConfidence: 0.3, return: false },
      mesh: { enabled: true },
      attention: { enabled: false },
      iris: { enabled: false },
      emotion: { enabled: false },
      description: { enabled: true },
      antispoof: { enabled: true },
      liveness: { enabled: true },
    },
  };
}

let human: Human | undefined;
/** The description in progress (the engine sends one at a time per caller; a few may queue). */
const inFlight = new Set<number>();

function reply(message: FaceWorkerReply): void {
  self.postMessage(message);
}

async function start(paths: FaceWorkerPaths): Promise<void> {
  const instance = new Human(humanConfig(paths));
  await instance.load();
  // load() sets the backend up too; a failed wasm start leaves another one in place: refuse that.
  await instance.tf.ready();
  const backend = instance.tf.getBackend();
  if (backend !== 'wasm') throw new Error(`the wasm backend did not start (${backend})`);
  human = instance;
  reply({ type: 'started', humanVersion: instance.version, backend });
}

async function describe(id: number, image: ImageBitmap): Promise<void> {
  inFlight.add(id);
  try {
    if (!human) throw new Error('the face engine has not started');
    // On a square: a wide frame squeezed into the detector's square input makes strangers look alike.
    const frame = squareFrame(image.width, image.height);
    const square = new OffscreenCanvas(frame.size, frame.size);
    const context = square.getContext('2d');
    if (context === null) throw new Error('no 2d context for the face image');
    context.fillStyle = '#000';
    context.fillRect(0, 0, frame.size, frame.size);
    context.drawImage(image, frame.offsetX, frame.offsetY);
    const result = await human.detect(square);
    if (result.error) throw new Error(result.error);
    const faces: DetectedFace[] = result.face.map((f) => ({
      box: boxInImage({ x: f.box[0], y: f.box[1], width: f.box[2], height: f.box[3] }, frame),
      score: f.boxScore,
      embedding: f.embedding ? Array.from(f.embedding) : [],
      ...(f.real !== undefined ? { real: f.real } : {}),
      ...(f.live !== undefined ? { live: f.live } : {}),
      // Liveness challenges (issue 15): head pose and eye openness from the mesh already computed.
      ...(f.rotation ? { pose: poseDegrees(f.rotation.angle) } : {}),
      ...(eyeOpenness(f.mesh) !== undefined ? { eyeOpenness: eyeOpenness(f.mesh) } : {}),
    }));
    reply({ type: 'described', id, faces, width: image.width, height: image.height });
  } finally {
    inFlight.delete(id);
    image.close();
  }
}

// Human's detect() runs inside a promise executor of its own: an error thrown in there never
// settles detect() but surfaces here. Fail what is in flight, so the page hears of it at once.
self.addEventListener('unhandledrejection', (event: PromiseRejectionEvent) => {
  const message = event.reason instanceof Error ? event.reason.message : String(event.reason);
  for (const id of inFlight) reply({ type: 'failed', id, message });
  inFlight.clear();
});

self.addEventListener('message', (event: MessageEvent) => {
  const request = parseFaceWorkerRequest(event.data);
  if (!request) {
    reply({ type: 'failed', message: 'not a face worker request' });
    return;
  }
  const failed = (id?: number) => (error: unknown) =>
    reply({ type: 'failed', ...(id !== undefined ? { id } : {}), message: error instanceof Error ? error.message : String(error) });
  if (request.type === 'start') void start(request.paths).catch(failed());
  else void describe(request.id, request.image).catch(failed(request.id));
});
