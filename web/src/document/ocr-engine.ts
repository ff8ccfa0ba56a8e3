/*
 * The OCR engine of document reading: tesseract.js (Korean + English, LSTM) in a Web Worker of the
 * agent's browser, every file from vident's own origin (web/build.mjs copies the worker script, the
 * wasm cores and the traineddata to /vendor/tesseract/; no CDN, no blob: worker). The language data
 * is kept in the browser's IndexedDB after the first use. One worker, made on the first recognition.
 */
import { createWorker, OEM, type Worker } from 'tesseract.js';
import type { OcrLine } from './document-fields.ts';

/** Where web/build.mjs puts tesseract's files in web/dist (served as static assets). */
export const OCR_VENDOR_PATH = '/vendor/tesseract/';

/** What the engine reads: a capture as a bitmap, a canvas or an image file. */
export type OcrImage = ImageBitmap | HTMLCanvasElement | OffscreenCanvas | Blob;

/**
 * How long the worker may take to start (download ~6 MB on first use, compile, load the languages).
 * A core that fails to start aborts inside the worker without telling tesseract.js, whose promise
 * would then never settle: past this the reading fails and the agent can try again.
 */
const START_TIMEOUT_MS = 120_000;

let worker: Promise<Worker> | undefined;

function startWorker(): Promise<Worker> {
  const base = new URL(OCR_VENDOR_PATH, location.origin).href;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the OCR engine did not start')), START_TIMEOUT_MS);
  });
  const started = createWorker(['kor', 'eng'], OEM.LSTM_ONLY, {
    workerPath: `${base}worker.min.js`,
    // A folder: the worker picks the relaxed-SIMD, SIMD or plain LSTM core the browser can run.
    corePath: `${base}core`,
    langPath: `${base}lang`,
    workerBlobURL: false,
    gzip: true,
  });
  return Promise.race([started, timeout]).finally(() => clearTimeout(timer));
}

/** The lines tesseract recognised in the image, each with its confidence (0-100, as OcrLine has it). */
export async function recognizeLines(image: OcrImage): Promise<OcrLine[]> {
  worker ??= startWorker().catch((error: unknown) => {
    worker = undefined;
    throw error;
  });
  const { data } = await (await worker).recognize(asTesseractImage(image), {}, { blocks: true });
  const lines: OcrLine[] = [];
  for (const block of data.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        const text = line.text.trim();
        if (text !== '') lines.push({ text, confidence: line.confidence });
      }
    }
  }
  return lines;
}

/** Ends the worker (the next recognition starts a new one). */
export async function stopOcr(): Promise<void> {
  const running = worker;
  worker = undefined;
  if (running) await (await running).terminate();
}

/** tesseract.js takes canvases and blobs but not an ImageBitmap: that is drawn on an OffscreenCanvas. */
function asTesseractImage(image: OcrImage): HTMLCanvasElement | OffscreenCanvas | Blob {
  if (typeof ImageBitmap === 'undefined' || !(image instanceof ImageBitmap)) return image as HTMLCanvasElement | OffscreenCanvas | Blob;
  const canvas = new OffscreenCanvas(image.width, image.height);
  canvas.getContext('2d')?.drawImage(image, 0, 0);
  return canvas;
}
