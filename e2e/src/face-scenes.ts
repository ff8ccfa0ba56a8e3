/*
 * Face-match scenes drawn in a page of the running stack, for the face-match test and benchmark:
 * the fixture faces (e2e/fixtures/faces, from @vladmandic/human's assets) placed as an ID capture and
 * as frames of the received video. The page then imports /face-match.js as the agent's page will.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'faces');

export interface FaceFixtures {
  personAId: number[];
  personALive: number[];
  personB: number[];
}

export function readFaceFixtures(): FaceFixtures {
  const bytes = (name: string) => [...readFileSync(join(FIXTURES, name))];
  return { personAId: bytes('person-a-id.jpg'), personALive: bytes('person-a-live.jpg'), personB: bytes('person-b.jpg') };
}

/** The canvases drawScenes leaves on `window.faceScenes`. */
export type FaceSceneName = 'idCard' | 'idReshot' | 'personAOtherPhoto' | 'personB' | 'twoPeople' | 'empty';

/**
 * Opens a vident page, imports /face-match.js into `window.faceMatch` and draws the scenes. Nothing
 * is loaded from outside the origin: the fixtures go in as bytes.
 */
export async function openFaceScenes(page: Page, baseUrl: string, fixtures: FaceFixtures): Promise<void> {
  await page.goto(`${baseUrl}/`);
  // tsx (the benchmark's runner) names functions with an `__name` helper the page does not have.
  await page.evaluate('globalThis.__name = (f) => f');
  // A string, so the test runner does not rewrite the import.
  await page.evaluate(`import('/face-match.js').then((module) => { window.faceMatch = module; })`);
  await page.evaluate(async (f) => {
    const bitmap = (bytes: number[]) => createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }));
    const [a, aLive, b] = await Promise.all([bitmap(f.personAId), bitmap(f.personALive), bitmap(f.personB)]);
    const canvas = (width: number, height: number, background: string) => {
      const c = document.createElement('canvas');
      c.width = width;
      c.height = height;
      const g = c.getContext('2d')!;
      g.fillStyle = background;
      g.fillRect(0, 0, width, height);
      return { c, g };
    };
    // The ID capture: a card-coloured capture with the holder's photo on the right, as on a resident card.
    const id = canvas(640, 400, '#e9eef4');
    id.g.fillStyle = '#c9d3df';
    id.g.fillRect(40, 60, 320, 24);
    id.g.fillRect(40, 120, 260, 24);
    id.g.drawImage(a, 430, 90, 170, 170);
    // A live frame of the same face: the ID photo rescaled (x1.6), rotated 8 degrees and re-lit.
    const reshot = canvas(640, 480, '#4a5060');
    reshot.g.filter = 'brightness(1.2) contrast(0.85) saturate(0.8)';
    reshot.g.translate(330, 230);
    reshot.g.rotate((8 * Math.PI) / 180);
    reshot.g.drawImage(a, -120, -120, 240, 240);
    // Live frames of another photo of the same man, of another person, and of both people.
    const frame = (...faces: [ImageBitmap, number, number, number][]) => {
      const f = canvas(640, 480, '#4a5060');
      for (const [image, x, y, size] of faces) f.g.drawImage(image, x, y, size, size);
      return f.c;
    };
    const empty = canvas(640, 480, '#4a5060');
    (window as unknown as { faceScenes: Record<string, HTMLCanvasElement> }).faceScenes = {
      idCard: id.c,
      idReshot: reshot.c,
      personAOtherPhoto: frame([aLive, 200, 120, 240]),
      personB: frame([b, 200, 120, 240]),
      twoPeople: frame([aLive, 60, 140, 220], [b, 360, 140, 220]),
      empty: empty.c,
    };
  }, fixtures);
}
