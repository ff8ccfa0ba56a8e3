/*
 * Document reading's OCR engine in Chromium on the running stack (issue 14): a synthetic Korean
 * resident registration card is drawn on a canvas in a vident page (Debian's Nanum Gothic, a made-up
 * holder and number), read by tesseract.js from web/dist/document-ocr.js (worker, wasm core and
 * Korean/English data from /vendor/tesseract/), and the lines go through readDocument. Every request
 * the page makes must go to the stack's own origin: no CDN, no model hub.
 */
import { describe, expect, inject, it } from 'vitest';
import { residentCheckDigit } from '@vident/protocol';
import { chromiumPerSuite } from './browser.ts';

const stack = inject('stack');

/** A made-up holder: the number's old check digit is valid (protocol's rule). */
const CARD = {
  name: '홍길동',
  residentNumber: '800101-1234560',
  address: '서울특별시 강남구 테헤란로 123',
  issueDate: '2019. 3. 15.',
  issuer: '서울특별시 강남구청장',
};

interface PageReading {
  lines: { text: string; confidence: number }[];
  reading: { type: string; fields: Record<string, { value: string; confidence: number } | undefined> };
}

describe('document OCR engine', () => {
  const chromium = chromiumPerSuite();

  it('reads a synthetic resident card in the browser, every file from vident itself', async () => {
    expect(residentCheckDigit(CARD.residentNumber)).toBe('pass');
    const { page } = await chromium.newParticipant();
    const origin = new URL(stack.baseUrl).origin;
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    // Requests of the OCR worker (its core and language data) are the worker's, not the page's.
    page.on('worker', (worker) => requests.push(worker.url()));
    page.context().on('request', (request) => requests.push(request.url()));
    await page.goto(`${stack.baseUrl}/`);
    // The bundle as the agent's page will load it, with import() from this origin (a string, so the
    // test runner does not rewrite the import).
    await page.evaluate(`import('/document-ocr.js').then((module) => { window.documentOcr = module; })`);

    const result = await page.evaluate(async (card): Promise<PageReading> => {
      await document.fonts.load('40px NanumGothic');
      const canvas = document.createElement('canvas');
      canvas.width = 1280;
      canvas.height = 808;
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#f4f7fb';
      g.fillRect(0, 0, canvas.width, canvas.height);
      g.fillStyle = '#c9ced6'; // the photo's place
      g.fillRect(900, 200, 300, 380);
      g.fillStyle = '#111';
      g.textBaseline = 'top';
      const text = (value: string, x: number, y: number, size: number, bold = false) => {
        g.font = `${bold ? 'bold ' : ''}${size}px NanumGothic`;
        g.fillText(value, x, y);
      };
      // tesseract misreads glyphs much taller than ~60 px; a capture of a real card is smaller still.
      text('주민등록증', 80, 60, 56, true);
      text(card.name, 80, 220, 56);
      text(card.residentNumber, 80, 310, 52);
      text(card.address, 80, 420, 34);
      text(card.issueDate, 420, 600, 38);
      text(card.issuer, 300, 680, 48, true);
      const ocr = (window as unknown as { documentOcr: unknown }).documentOcr as {
        recognizeLines(image: HTMLCanvasElement): Promise<PageReading['lines']>;
        readDocument(lines: PageReading['lines'], now: Date): PageReading['reading'];
        stopOcr(): Promise<void>;
      };
      const lines = await ocr.recognizeLines(canvas);
      const reading = ocr.readDocument(lines, new Date());
      await ocr.stopOcr();
      return { lines, reading: { type: reading.type, fields: reading.fields } };
    }, CARD);

    const lines = result.lines.map((line) => `${Math.round(line.confidence)} ${line.text}`).join('\n');
    expect(result.reading.type, lines).toBe('kr-resident-card');
    expect(result.reading.fields.name?.value, lines).toBe(CARD.name);
    expect(result.reading.fields.residentNumber?.value, lines).toBe(CARD.residentNumber);
    expect(result.reading.fields.issueDate?.value, lines).toBe('2019-03-15');
    for (const line of result.lines) {
      expect(line.confidence).toBeGreaterThanOrEqual(0);
      expect(line.confidence).toBeLessThanOrEqual(100);
    }

    // The OCR files were fetched, and from this origin only.
    expect(requests.some((url) => url.endsWith('/vendor/tesseract/lang/kor.traineddata.gz')), requests.join('\n')).toBe(true);
    expect(requests.some((url) => /\/vendor\/tesseract\/core\/tesseract-core-[a-z-]*lstm\.wasm\.js$/.test(url)), requests.join('\n')).toBe(true);
    const foreign = requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:'));
    expect(foreign).toEqual([]);
  });
});
