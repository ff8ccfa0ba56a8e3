/*
 * Assisted verification on the running stack (issue 14) with synthetic documents as the customer's
 * camera: Chromium's fake camera plays a y4m of a resident card, a passport data page and the
 * holder's live face (first customer), and a passport whose MRZ birth date was altered and another
 * person's face (second customer). The agent captures while the wanted picture shows (each carries a
 * coloured marker the test reads from the received video), the panel reads the fields and runs the
 * plausibility checks, the agent confirms, the bank reads the fields through its signed API and
 * posts a check the agent sees, and the face match tells the holder from somebody else. Every
 * request the agent's page makes goes to the stack's own origin.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createBankClient } from '@vident/protocol';
import type { CaptureKind } from '@vident/protocol';
import type { Locator, Page } from 'playwright-core';
import { chromiumPerSuite, launchChromium, type LaunchedBrowser } from './browser.ts';
import { callStats, customerJoinsWithConsent, framesDecoded, waitUntil } from './call-page.ts';
import { readFaceFixtures } from './face-scenes.ts';
import {
  FRAME,
  MARKER,
  buildCameraVideo,
  faceDataUrl,
  markerOf,
  renderPictures,
  residentNumberOf,
  tamperBirthDate,
  td3Mrz,
  type Marker,
  type PassportHolder,
  type Picture,
  type ResidentCard,
} from './synthetic-documents.ts';

const stack = inject('stack');
const bank = createBankClient({ baseUrl: stack.baseUrl, keyId: stack.bankKeyId, secret: stack.bankSecret });

/** The made-up holder of both documents; the number's old check digit holds (protocol's rule). */
const CARD: ResidentCard = {
  name: '홍길동',
  residentNumber: residentNumberOf('800101152814'),
  address: '서울특별시 종로구 세종대로 209',
  issueDate: '2019. 3. 15.',
  issuer: '서울특별시 종로구청장',
};
const HOLDER: PassportHolder = {
  type: 'PM',
  country: 'KOR',
  surname: 'HONG',
  givenNames: 'GILDONG',
  documentNumber: 'M48213079',
  nationality: 'KOR',
  birth: '800101',
  sex: 'M',
  expiry: '310614',
};
const MRZ = td3Mrz(HOLDER);
const TAMPERED_MRZ = tamperBirthDate(MRZ);

/** Seconds each picture shows before the next (the video loops). */
const SEGMENT_SECONDS = 8;

interface Videos {
  holder: string;
  impostor: string;
}

/** What the agent's panel shows of the document. */
interface PanelDocument {
  status: string | null;
  type: string;
  fields: Record<string, string>;
  verdicts: { rule: string; result: string }[];
}

async function panelDocument(page: Page): Promise<PanelDocument> {
  return page.getByTestId('assist-panel').evaluate((panel) => {
    const fields: Record<string, string> = {};
    for (const input of Array.from(panel.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('[data-testid^="doc-field-"]'))) {
      fields[input.dataset.testid!.slice('doc-field-'.length)] = input.value;
    }
    const verdicts = Array.from(panel.querySelectorAll<HTMLElement>('[data-testid="doc-plausibility"] li[data-rule]')).map((li) => ({
      rule: li.dataset.rule!,
      result: li.dataset.result!,
    }));
    const status = panel.querySelector<HTMLElement>('[data-testid="doc-status"]')!.dataset.state ?? null;
    return { status, type: panel.querySelector<HTMLSelectElement>('[data-testid="doc-type"]')!.value, fields, verdicts };
  });
}

/**
 * The marker colour in a video's current frame or an image: the mean of the square's middle (its
 * edges blur in compression), at whatever size the frame arrived.
 */
async function markerIn(element: Locator): Promise<Marker | null> {
  const rgb = await element.evaluate(async (el: HTMLVideoElement | HTMLImageElement, at) => {
    if (el instanceof HTMLImageElement) await el.decode();
    const width = el instanceof HTMLVideoElement ? el.videoWidth : el.naturalWidth;
    const height = el instanceof HTMLVideoElement ? el.videoHeight : el.naturalHeight;
    if (width === 0) return null;
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const g = canvas.getContext('2d', { willReadFrequently: true })!;
    g.drawImage(el, 0, 0);
    const scale = width / at.frame.width;
    const side = Math.max(2, Math.round((at.size / 2) * scale));
    const data = g.getImageData(Math.round((at.x + at.size / 4) * scale), Math.round((at.y + at.size / 4) * scale), side, side).data;
    const sum = [0, 0, 0];
    for (let i = 0; i < data.length; i += 4) for (let c = 0; c < 3; c++) sum[c]! += data[i + c]!;
    return sum.map((total) => total / (data.length / 4));
  }, { ...MARKER, frame: FRAME });
  return rgb ? markerOf(rgb) : null;
}

/** The picture the agent's page shows now (read from the received video). */
const shownMarker = (page: Page) => markerIn(page.getByTestId('remote-video'));
/** The picture in a stored capture's thumbnail (the very JPEG the assistance read). */
const capturedMarker = (page: Page, kind: CaptureKind) => markerIn(page.getByTestId(`capture-thumb-${kind}`).locator('img'));

/**
 * The agent captures `kind` while `marker`'s picture shows: once the marker has been on screen for a
 * moment (the encoder sharpens a still picture over a few frames), press capture, and check the
 * stored capture carries the marker; if the picture changed in between, wait for it to come round
 * again.
 */
async function captureOn(page: Page, kind: CaptureKind, marker: Marker): Promise<void> {
  const thumb = page.getByTestId(`capture-thumb-${kind}`);
  for (let attempt = 1; attempt <= 3; attempt++) {
    let since: number | null = null;
    await waitUntil(`${marker} steady on the agent's screen`, async () => {
      if ((await shownMarker(page)) !== marker) {
        since = null;
        return false;
      }
      since ??= Date.now();
      return Date.now() - since >= 3_000;
    }, 3 * 3 * SEGMENT_SECONDS * 1000);
    const before = (await thumb.count()) > 0 ? await thumb.getAttribute('data-artifact-id') : null;
    await page.getByTestId(`capture-${kind}`).click();
    await waitUntil(`${kind} capture stored`, async () => (await thumb.count()) > 0 && (await thumb.getAttribute('data-artifact-id')) !== before, 30_000);
    // An ID capture from before the bandwidth estimate ramped up may be smaller than the camera's:
    // take another. A face needs no print legible (and the sender may trade resolution for frame rate).
    const fullSize = kind === 'face' || Number(await thumb.getAttribute('data-width')) === FRAME.width;
    if (fullSize && (await capturedMarker(page, kind)) === marker) return;
    if (kind === 'id_front') await documentRead(page);
  }
  throw new Error(`no ${kind} capture of ${marker} (at full size for an ID) in three tries`);
}

/**
 * The agent asks the customer to hold the ID closer, which makes the customer's sender keep its
 * resolution over its frame rate, and waits for the camera's full size to arrive.
 */
async function guideForDocument(page: Page): Promise<void> {
  await page.getByTestId('guidance-hold_id_closer').click();
  await waitUntil(`${FRAME.width}x${FRAME.height} received`, async () => {
    const video = (await callStats(page)).subscriber?.inboundVideo;
    return video?.frameWidth === FRAME.width && video.frameHeight === FRAME.height;
  }, 30_000);
}

/** The panel's reading of the latest ID capture, once done (the first one loads the OCR engine). */
async function documentRead(page: Page): Promise<PanelDocument> {
  let shown: PanelDocument | undefined;
  await waitUntil('the document read', async () => {
    shown = await panelDocument(page);
    return shown.status === 'read' || shown.status === 'failed';
  }, 150_000);
  return shown!;
}

/**
 * What OCR gives for the stored capture, asked of the page's own engine: only for the messages of
 * failed expectations (the panel never shows or logs the raw text).
 */
async function ocrText(page: Page, kind: CaptureKind): Promise<string> {
  // The same module instance (and worker) the panel uses; a string, so the runner leaves the import alone.
  await page.evaluate(`import('/document-ocr.js').then((module) => { window.documentOcr = module; })`);
  const lines = await page
    .getByTestId(`capture-thumb-${kind}`)
    .locator('img')
    .evaluate(async (img: HTMLImageElement) => {
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      canvas.getContext('2d')!.drawImage(img, 0, 0);
      const ocr = (window as unknown as { documentOcr: { recognizeLines(image: HTMLCanvasElement): Promise<{ text: string; confidence: number }[]> } }).documentOcr;
      return ocr.recognizeLines(canvas);
    });
  return lines.map((line) => `${Math.round(line.confidence)} ${line.text}`).join('\n');
}

/**
 * The face comparison of the capture pair once it has settled: a capture retaken (wrong picture)
 * is compared again, so the shown score must hold for a few seconds.
 */
async function faceBand(page: Page): Promise<{ band: string; score: string }> {
  const read = async () => ({
    band: (await page.getByTestId('face-match-band').getAttribute('data-band')) ?? '',
    score: (await page.getByTestId('face-match-score').getAttribute('data-score')) ?? '',
  });
  await page.getByTestId('face-match-band').waitFor({ state: 'attached', timeout: 120_000 });
  let last = await read();
  let since = Date.now();
  await waitUntil('the face comparison settled', async () => {
    const now = await read();
    if (now.score !== last.score || now.band !== last.band) {
      last = now;
      since = Date.now();
    }
    return Date.now() - since >= 4_000;
  }, 60_000);
  return last;
}

/** The customer's and the agent's pages in one call, the customer's camera playing `video`. */
async function startCall(agentBrowser: LaunchedBrowser, video: string, customerName: string, requests: string[]) {
  const created = await bank.createSession({ externalRef: `e2e-assist-${Date.now()}`, customerName, locale: 'en' });
  const customerBrowser = await launchChromium({ fakeVideoFile: video });
  const { page: customer, consoleErrors: customerErrors } = await customerBrowser.newParticipant();
  const { page: agent, context } = await agentBrowser.newParticipant();
  agent.on('request', (request) => requests.push(request.url()));
  // The OCR and face workers' requests are the workers', not the page's.
  agent.on('worker', (worker) => requests.push(worker.url()));
  context.on('request', (request) => requests.push(request.url()));
  await customer.goto(created.customerUrl);
  try {
    await customerJoinsWithConsent(customer);
  } catch (error) {
    // Where the customer got stuck: the screen shown and the page's errors.
    const shown = await customer.locator('section.screen:not([hidden])').evaluateAll((els) => els.map((el) => `${el.id}: ${el.textContent?.slice(0, 300)}`));
    throw new Error(`${String(error)}\nshown: ${shown.join('\n')}\nerrors: ${customerErrors.join('\n')}`);
  }
  await agent.goto(created.agentUrl);
  await agent.getByTestId('join').click();
  await agent.getByTestId('connection-status').and(agent.locator('[data-state="connected"]')).waitFor({ timeout: 30_000 });
  await waitUntil('the customer video decoded', async () => (await framesDecoded(agent)) > 5, 30_000);
  return { created, customerBrowser, agent };
}

function foreignRequests(requests: readonly string[]): string[] {
  const origin = new URL(stack.baseUrl).origin;
  return requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:'));
}

describe('assisted verification with synthetic documents', () => {
  const agentBrowser = chromiumPerSuite();
  let dir: string;
  let videos: Videos;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vident-e2e-documents-'));
    const faces = readFaceFixtures();
    const holder = faceDataUrl(faces.personAId);
    const passport = { holder: HOLDER, koreanName: CARD.name, mrz: MRZ };
    const holderPictures: Picture[] = [
      { kind: 'resident-card', marker: 'residentCard', card: CARD, face: holder },
      { kind: 'passport', marker: 'passport', passport, face: holder },
      { kind: 'face', marker: 'face', face: faceDataUrl(faces.personALive) },
    ];
    const impostorPictures: Picture[] = [
      { kind: 'passport', marker: 'tamperedPassport', passport: { ...passport, holder: { ...HOLDER, birth: TAMPERED_MRZ[1].slice(13, 19) }, mrz: TAMPERED_MRZ }, face: holder },
      { kind: 'face', marker: 'otherFace', face: faceDataUrl(faces.personB) },
    ];
    const { page, context } = await agentBrowser.newParticipant();
    videos = {
      holder: join(dir, 'holder.y4m'),
      impostor: join(dir, 'impostor.y4m'),
    };
    await buildCameraVideo(await renderPictures(page, holderPictures, dir), videos.holder, SEGMENT_SECONDS);
    await buildCameraVideo(await renderPictures(page, impostorPictures, dir), videos.impostor, SEGMENT_SECONDS);
    await context.close();
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads a resident card and a passport, the bank reads the confirmed fields and posts a check, the live face matches', async () => {
    const requests: string[] = [];
    const { created, customerBrowser, agent } = await startCall(agentBrowser, videos.holder, CARD.name, requests);
    try {
      // The resident card: type, name, number and issue date as printed; the number's birth date and check digit hold.
      await guideForDocument(agent);
      await captureOn(agent, 'id_front', 'residentCard');
      const card = await documentRead(agent);
      const cardRead =
        card.type === 'kr-resident-card' &&
        card.fields.name === CARD.name &&
        card.fields.residentNumber === CARD.residentNumber &&
        card.fields.issueDate === '2019-03-15';
      const cardMessage = cardRead ? '' : `${JSON.stringify(card)}\n${await ocrText(agent, 'id_front')}`;
      expect(card.status, cardMessage).toBe('read');
      expect(card.type, cardMessage).toBe('kr-resident-card');
      expect(card.fields.name, cardMessage).toBe(CARD.name);
      expect(card.fields.residentNumber, cardMessage).toBe(CARD.residentNumber);
      expect(card.fields.issueDate, cardMessage).toBe('2019-03-15');
      const birthRules = card.verdicts.filter((v) => v.rule.startsWith('number.') || v.rule === 'birth');
      expect(birthRules.filter((v) => v.result === 'fail'), JSON.stringify(card.verdicts)).toEqual([]);
      expect(birthRules).toContainEqual({ rule: 'number.check', result: 'pass' });
      expect(card.verdicts).toContainEqual({ rule: 'name', result: 'pass' });

      // Confirmed: the session says so, and the bank reads every field in full through the signed API.
      await agent.getByTestId('doc-confirm').click();
      await agent.getByTestId('doc-confirmed').and(agent.locator('[data-state="confirmed"]')).waitFor({ timeout: 15_000 });
      const stored = await bank.getDocument(created.sessionId);
      expect(stored.document.type).toBe('kr-resident-card');
      expect(stored.document.fields).toMatchObject({ name: CARD.name, residentNumber: CARD.residentNumber, issueDate: '2019-03-15' });
      expect(stored.document.sources.residentNumber).toBe('ocr');

      // The bank's own check reaches the agent's panel at once.
      await bank.postCheck(created.sessionId, { kind: 'mois-id', result: 'pass', reference: `e2e-${created.sessionId.slice(0, 8)}` });
      const check = agent.getByTestId('bank-check-mois-id');
      await check.waitFor({ timeout: 15_000 });
      expect(await check.getAttribute('data-result')).toBe('pass');

      // The passport: read from its MRZ, every check digit passing.
      await guideForDocument(agent);
      await captureOn(agent, 'id_front', 'passport');
      const passport = await documentRead(agent);
      const mrz = passport.verdicts.filter((v) => v.rule.startsWith('mrz'));
      const passportMessage = passport.type === 'passport' && mrz.length > 0 ? JSON.stringify(passport) : `${JSON.stringify(passport)}\n${await ocrText(agent, 'id_front')}`;
      expect(passport.type, passportMessage).toBe('passport');
      expect(mrz.length, passportMessage).toBeGreaterThanOrEqual(4);
      expect(mrz.filter((v) => v.result !== 'pass'), passportMessage).toEqual([]);
      expect(passport.fields, passportMessage).toMatchObject({ documentNumber: HOLDER.documentNumber, dateOfBirth: '1980-01-01', expiryDate: '2031-06-14' });

      // The live face against the latest ID capture (the passport's photo of the same man): a match.
      await agent.getByTestId('guidance-face_camera').click();
      await captureOn(agent, 'face', 'face');
      const face = await faceBand(agent);
      expect(face.band, face.score).toBe('match');

      expect(foreignRequests(requests)).toEqual([]);
      expect(requests.some((url) => url.endsWith('/vendor/tesseract/lang/kor.traineddata.gz')), requests.join('\n')).toBe(true);
    } finally {
      await bank.deleteSession(created.sessionId).catch(() => undefined);
      await customerBrowser.close();
    }
  });

  it('fails the MRZ check digit of an altered birth date, and another person is no match for the passport photo', async () => {
    const requests: string[] = [];
    const { created, customerBrowser, agent } = await startCall(agentBrowser, videos.impostor, CARD.name, requests);
    try {
      await guideForDocument(agent);
      await captureOn(agent, 'id_front', 'tamperedPassport');
      const passport = await documentRead(agent);
      const mrz = passport.verdicts.filter((v) => v.rule.startsWith('mrz'));
      const message = mrz.length > 0 ? JSON.stringify(passport) : `${JSON.stringify(passport)}\n${await ocrText(agent, 'id_front')}`;
      expect(passport.type, message).toBe('passport');
      expect(mrz, message).toContainEqual({ rule: 'mrz.birth_date', result: 'fail' });
      expect(mrz, message).toContainEqual({ rule: 'mrz.document_number', result: 'pass' });

      // The passport shows the holder; the person in front of the camera is somebody else.
      await agent.getByTestId('guidance-face_camera').click();
      await captureOn(agent, 'face', 'otherFace');
      const face = await faceBand(agent);
      expect(face.band, face.score).toBe('no_match');

      expect(foreignRequests(requests)).toEqual([]);
    } finally {
      await bank.deleteSession(created.sessionId).catch(() => undefined);
      await customerBrowser.close();
    }
  });
});
