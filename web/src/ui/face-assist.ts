import type { FaceMatchResult, FaceMatchThresholds } from '@vident/protocol';
import { compareCaptureFaces } from '../face/face-match-result.ts';
import { sampleCallFaces, type CallFaceSampler } from '../face/call-face-sampler.ts';
import type { FaceDescription } from '../face/face-choice.ts';
// Small: it only starts the worker (/face-worker.js), where Human and its models load on first use.
import { loadFaceEngine, type FaceEngine } from '../face/face-engine.ts';
import type { FaceStatus } from './assist-panel.ts';

export interface FaceAssistOptions {
  /** The customer's video as received: sampled during the call against the ID face. */
  video: HTMLVideoElement;
  /** The thresholds the session applies (its welcome); results carry them. */
  thresholds(): FaceMatchThresholds;
  /** Sends a result to the session (`face-match`). */
  send(result: FaceMatchResult): boolean;
  /** The panel shows the state and each new result. */
  onChange(status: FaceStatus, result?: FaceMatchResult): void;
}

/**
 * The face comparison on the agent's page (issue 14): the ID capture's face against the face
 * capture (`capture`) and against frames of the received video sampled through the call (`call`),
 * by the face engine in its worker. Each result is shown and sent to the session; the decision stays
 * the agent's. Loads nothing until the first ID or face capture.
 */
export class FaceAssist {
  private engine: Promise<FaceEngine> | null = null;
  private idFace: FaceDescription | null = null;
  private liveFace: FaceDescription | null = null;
  private sampler: CallFaceSampler | null = null;
  private stopped = false;
  /** Captures are compared in the order they were taken. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly opts: FaceAssistOptions) {}

  /** A new ID front capture: its face becomes the reference, compared again with the face capture. */
  idCaptured(image: Blob): void {
    this.enqueue(async (engine) => {
      this.idFace = await this.describeBlob(engine, image);
      if (this.idFace === null) {
        this.stopSampling();
        this.opts.onChange('no_id_face');
        return;
      }
      if (this.liveFace !== null) this.compareCaptures(engine);
      else this.opts.onChange('waiting');
      this.startSampling(engine, this.idFace);
    });
  }

  /** A new face capture: compared with the ID's face when there is one. */
  faceCaptured(image: Blob): void {
    this.enqueue(async (engine) => {
      this.liveFace = await this.describeBlob(engine, image);
      if (this.liveFace === null) {
        this.opts.onChange('no_live_face');
        return;
      }
      if (this.idFace !== null) this.compareCaptures(engine);
      else this.opts.onChange('waiting');
    });
  }

  /** The engine for the liveness challenges (issue 15): the same worker, loaded on first use without touching the comparison's status. */
  challengeEngine(): Promise<FaceEngine> {
    if (this.engine === null) {
      this.engine = loadFaceEngine();
      this.engine.catch(() => (this.engine = null));
    }
    return this.engine;
  }

  stop(): void {
    this.stopped = true;
    this.stopSampling();
    void this.engine?.then((engine) => engine.close()).catch(() => undefined);
  }

  private enqueue(step: (engine: FaceEngine) => Promise<void>): void {
    this.queue = this.queue.then(async () => {
      if (this.stopped) return;
      try {
        const engine = await this.loadEngine();
        if (!this.stopped) await step(engine);
      } catch (err) {
        console.warn('vident: face comparison failed', err instanceof Error ? err.message : err);
        if (!this.stopped) this.opts.onChange('failed');
      }
    });
  }

  private loadEngine(): Promise<FaceEngine> {
    if (this.engine === null) {
      this.opts.onChange('loading');
      this.engine = loadFaceEngine();
      // A failed load is tried again at the next capture.
      this.engine.catch(() => (this.engine = null));
    }
    return this.engine;
  }

  private async describeBlob(engine: FaceEngine, image: Blob): Promise<FaceDescription | null> {
    const bitmap = await createImageBitmap(image);
    try {
      return await engine.describe(bitmap);
    } finally {
      bitmap.close();
    }
  }

  private compareCaptures(engine: FaceEngine): void {
    const comparison = compareCaptureFaces(this.idFace, this.liveFace, (a, b) => engine.similarity(a, b), this.context(engine));
    if (comparison.outcome !== 'compared') {
      this.opts.onChange(comparison.outcome);
      return;
    }
    this.opts.send(comparison.result);
    this.opts.onChange('ready', comparison.result);
  }

  private context(engine: FaceEngine) {
    return { thresholds: this.opts.thresholds(), model: engine.model, measuredAt: new Date() };
  }

  /** (Re)starts sampling the received video against the (new) ID face. */
  private startSampling(engine: FaceEngine, idFace: FaceDescription): void {
    this.stopSampling();
    const video = this.opts.video;
    this.sampler = sampleCallFaces({
      engine,
      idFace,
      // No frame while the customer's video is not playing or the agent's tab is hidden.
      frame: () => (video.videoWidth === 0 || video.readyState < 2 || document.hidden ? null : video),
      thresholds: this.opts.thresholds(),
      onUpdate: ({ result, send }) => {
        if (!send || this.stopped) return;
        this.opts.send(result);
        this.opts.onChange('ready', result);
      },
    });
  }

  private stopSampling(): void {
    this.sampler?.stop();
    this.sampler = null;
  }
}
