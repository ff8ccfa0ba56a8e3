/*
 * Face match in Chromium on the running stack (issue 14): Human (faceres) in a module worker on the
 * tfjs wasm backend, from web/dist/face-match.js and face-worker.js, models and wasm from /vendor/.
 * The fixture faces (e2e/fixtures/faces) are drawn in the page as an ID capture and live frames: the
 * same face re-shot and another photo of the same man match, another person does not, a second person
 * in the frame is flagged, an empty frame has no face, and a face swapped during the call shows in the
 * call-long result's lowest frame. Every request the page and its worker make goes to the stack's origin.
 */
import { describe, expect, inject, it } from 'vitest';
import { DEFAULT_FACE_MATCH_THRESHOLDS, FaceMatchResult } from '@vident/protocol';
import { chromiumPerSuite } from './browser.ts';
import { openFaceScenes, readFaceFixtures } from './face-scenes.ts';

const stack = inject('stack');

/** The models the face worker may load: the face pipeline's and nothing else. */
const MODELS = ['antispoof', 'blazeface', 'facemesh', 'faceres', 'liveness'];

interface PageOutcome {
  comparisons: Record<string, unknown>;
  faceCounts: Record<string, number | null>;
  emptyFace: unknown;
  model: unknown;
  call: { result: unknown; state: { scores: number[]; severalFaceFrames: number } };
}

describe('face match engine', () => {
  const chromium = chromiumPerSuite();

  it('matches the same face, not another person, in the browser, every file from vident itself', async () => {
    const { page } = await chromium.newParticipant();
    const origin = new URL(stack.baseUrl).origin;
    const requests: string[] = [];
    // The context sees the worker's requests (its script, the wasm, the models) as well as the page's.
    page.context().on('request', (request) => requests.push(request.url()));
    page.on('worker', (worker) => requests.push(worker.url()));
    await openFaceScenes(page, stack.baseUrl, readFaceFixtures());

    const outcome = await page.evaluate(async (thresholds): Promise<PageOutcome> => {
      type Scenes = Record<string, HTMLCanvasElement>;
      const w = window as unknown as { faceMatch: typeof import('../../web/src/face-match.ts'); faceScenes: Scenes };
      const { faceMatch, faceScenes } = w;
      const engine = await faceMatch.loadFaceEngine();
      const comparisons: Record<string, unknown> = {};
      for (const live of ['idReshot', 'personAOtherPhoto', 'personB', 'twoPeople']) {
        comparisons[live] = (await faceMatch.matchCaptureFaces(engine, faceScenes.idCard!, faceScenes[live]!, thresholds)).comparison;
      }
      const faceCounts: Record<string, number | null> = {};
      for (const name of ['idCard', 'personB', 'twoPeople']) faceCounts[name] = (await engine.describe(faceScenes[name]!))?.faceCount ?? null;
      const emptyFace = await engine.describe(faceScenes.empty!);
      // Over the call: frames of the same man, then another person for one frame.
      const idFace = (await engine.describe(faceScenes.idCard!))!;
      const frames = [faceScenes.personAOtherPhoto!, faceScenes.idReshot!, faceScenes.personB!, faceScenes.personAOtherPhoto!, faceScenes.idReshot!];
      let next = 0;
      const call = await new Promise<PageOutcome['call']>((resolve) => {
        let last: unknown = null;
        const sampler = faceMatch.sampleCallFaces({
          engine,
          idFace,
          frame: () => {
            // Every frame gave a score by now unless one had no face: then end with what there is.
            if (next < frames.length) return frames[next++]!;
            sampler.stop();
            resolve({ result: last, state: sampler.state });
            return null;
          },
          thresholds,
          policy: { intervalMs: 10, noFaceRetryMs: 10, failureRetryMs: 10, maxSamples: frames.length, reportIntervalMs: 0 },
          onUpdate: (update) => {
            last = update.result;
            if (update.state.scores.length === frames.length) {
              sampler.stop();
              resolve({ result: last, state: update.state });
            }
          },
        });
      });
      engine.close();
      return { comparisons, faceCounts, emptyFace, model: engine.model, call };
    }, DEFAULT_FACE_MATCH_THRESHOLDS);

    const text = JSON.stringify(outcome, null, 1);
    expect(outcome.model, text).toEqual({ name: 'human-faceres', version: '3.3.6' });
    const compared = (name: string) => outcome.comparisons[name] as { outcome: string; result: FaceMatchResult; severalLiveFaces: boolean };
    for (const name of ['idReshot', 'personAOtherPhoto', 'personB', 'twoPeople']) {
      expect(compared(name).outcome, text).toBe('compared');
      expect(FaceMatchResult.safeParse(compared(name).result).success, text).toBe(true);
    }
    // The same face, re-shot (rescaled, rotated, re-lit), and another photo of the same man: match.
    expect(compared('idReshot').result.band, text).toBe('match');
    expect(compared('personAOtherPhoto').result.band, text).toBe('match');
    // Another person: no match.
    expect(compared('personB').result.band, text).toBe('no_match');
    // Two people in the live frame: the larger face (person A) compared, and flagged.
    expect(compared('twoPeople').severalLiveFaces, text).toBe(true);
    expect(compared('personAOtherPhoto').severalLiveFaces, text).toBe(false);
    expect(outcome.faceCounts, text).toEqual({ idCard: 1, personB: 1, twoPeople: 2 });
    expect(outcome.emptyFace, text).toBeNull();
    // The call-long result: median of the five frames matches, the swapped frame is the lowest.
    const call = FaceMatchResult.parse(outcome.call.result);
    expect(call, text).toMatchObject({ kind: 'call', band: 'match', samples: 5 });
    expect(call.lowest, text).toBe(compared('personB').result.score);
    console.log(
      `[face-match] similarity: re-shot ${compared('idReshot').result.score}, other photo ${compared('personAOtherPhoto').result.score}, ` +
        `other person ${compared('personB').result.score}, two people ${compared('twoPeople').result.score}; call median ${call.score}, lowest ${call.lowest}`,
    );

    // The face files were fetched, only the models of the face pipeline, and from this origin only.
    const models = requests.filter((url) => url.includes('/vendor/human/models/')).map((url) => new URL(url).pathname.replace(/^.*\/models\//, ''));
    expect([...new Set(models.map((m) => m.replace(/\.(json|bin)$/, '')))].sort(), requests.join('\n')).toEqual(MODELS);
    expect(requests.some((url) => /\/vendor\/tfjs\/tfjs-backend-wasm(-simd)?\.wasm$/.test(url)), requests.join('\n')).toBe(true);
    expect(requests.some((url) => url.endsWith('/face-worker.js')), requests.join('\n')).toBe(true);
    const foreign = requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:'));
    expect(foreign).toEqual([]);
  });
});
