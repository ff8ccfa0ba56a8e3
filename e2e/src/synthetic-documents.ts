/*
 * Synthetic ID documents for the assisted-verification test (issue 14), played as a customer's
 * camera: a Korean resident registration card, a passport data page (TD3 MRZ) and a tampered copy of
 * it, and live faces, drawn on a canvas in Chromium (Debian's Nanum Gothic for Hangul, DejaVu Sans
 * Mono for the MRZ) and cut into one y4m with ffmpeg, a segment per picture. Every segment carries a
 * coloured square in its top left corner so a test can tell from the received video which picture
 * is showing. The people and numbers are made up; the faces are e2e/fixtures/faces (from
 * @vladmandic/human's assets, MIT).
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { residentCheckDigit } from '@vident/protocol';

const run = promisify(execFile);

/** The size the customer's camera asks for (web/src/camera-request.ts, HD): every picture fills it. */
export const FRAME = { width: 1280, height: 720 } as const;

/** The marker square: where it is drawn and where a test reads it (outside every document). */
export const MARKER = { x: 16, y: 16, size: 64 } as const;

/** A segment's marker colour (RGB): far apart, so video compression cannot turn one into another. */
export const MARKER_COLOURS = {
  residentCard: [230, 30, 30],
  passport: [30, 60, 230],
  face: [30, 200, 60],
  tamperedPassport: [240, 210, 20],
  otherFace: [220, 40, 220],
} as const satisfies Record<string, readonly [number, number, number]>;
export type Marker = keyof typeof MARKER_COLOURS;

/** The marker a pixel colour is, or null when it is none of them (e.g. between segments). */
export function markerOf(rgb: readonly number[]): Marker | null {
  let best: { marker: Marker; distance: number } | null = null;
  for (const [marker, colour] of Object.entries(MARKER_COLOURS) as [Marker, readonly number[]][]) {
    const distance = Math.hypot(...colour.map((c, i) => c - (rgb[i] ?? 0)));
    if (best === null || distance < best.distance) best = { marker, distance };
  }
  return best !== null && best.distance < 90 ? best.marker : null;
}

/** ICAO 9303 Part 3's check digit: weights 7, 3, 1; A-Z count 10-35, '<' zero. */
export function icaoCheckDigit(text: string): string {
  const value = (c: string) => (c === '<' ? 0 : /\d/.test(c) ? Number(c) : c.charCodeAt(0) - 55);
  const sum = [...text].reduce((acc, c, i) => acc + value(c) * [7, 3, 1][i % 3]!, 0);
  return String(sum % 10);
}

/** A resident number from its first 12 digits, with the old check digit that protocol's rule accepts. */
export function residentNumberOf(first12: string): string {
  for (let d = 0; d <= 9; d++) {
    const candidate = `${first12.slice(0, 6)}-${first12.slice(6)}${d}`;
    if (residentCheckDigit(candidate) === 'pass') return candidate;
  }
  throw new Error(`no check digit for ${first12}`);
}

export interface PassportHolder {
  type: string;
  country: string;
  surname: string;
  givenNames: string;
  documentNumber: string;
  nationality: string;
  /** YYMMDD */
  birth: string;
  sex: 'M' | 'F';
  /** YYMMDD */
  expiry: string;
}

const pad = (text: string, length: number) => text.padEnd(length, '<').slice(0, length);

/** A TD3 machine-readable zone (two lines of 44) with every check digit computed. */
export function td3Mrz(p: PassportHolder): [string, string] {
  const line1 = pad(`${pad(p.type, 2)}${p.country}${p.surname}<<${p.givenNames.replace(/ /g, '<')}`, 44);
  const number = pad(p.documentNumber, 9);
  const optional = pad('', 14);
  const numberPart = number + icaoCheckDigit(number);
  const birthPart = p.birth + icaoCheckDigit(p.birth);
  const expiryPart = p.expiry + icaoCheckDigit(p.expiry);
  const optionalPart = optional + icaoCheckDigit(optional);
  const composite = icaoCheckDigit(numberPart + birthPart + expiryPart + optionalPart);
  return [line1, `${numberPart}${p.nationality}${birthPart}${p.sex}${expiryPart}${optionalPart}${composite}`];
}

/** The MRZ with one birth-date digit changed and its check digit left as it was: a forger's edit. */
export function tamperBirthDate(mrz: readonly [string, string]): [string, string] {
  const line2 = mrz[1];
  const lastBirthDigit = 18; // the birth date is line 2's characters 14-19
  const changed = line2[lastBirthDigit] === '7' ? '3' : '7';
  return [mrz[0], line2.slice(0, lastBirthDigit) + changed + line2.slice(lastBirthDigit + 1)];
}

/** Dates as a passport's visual zone prints them: 01 JAN 1980 from 800101. */
export function passportDate(yymmdd: string, century: 19 | 20): string {
  const months = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
  return `${yymmdd.slice(4, 6)} ${months[Number(yymmdd.slice(2, 4)) - 1]} ${century}${yymmdd.slice(0, 2)}`;
}

/** A fixture face (e2e/fixtures/faces) as a data URL the page can draw. */
export function faceDataUrl(bytes: readonly number[]): string {
  return `data:image/jpeg;base64,${Buffer.from(bytes).toString('base64')}`;
}

export interface ResidentCard {
  name: string;
  residentNumber: string;
  address: string;
  /** As printed: 2019. 3. 15. */
  issueDate: string;
  issuer: string;
}

export interface PassportPage {
  holder: PassportHolder;
  koreanName: string;
  mrz: readonly [string, string];
}

/** One picture of the camera video. */
export type Picture =
  | { kind: 'resident-card'; marker: Marker; card: ResidentCard; face: string }
  | { kind: 'passport'; marker: Marker; passport: PassportPage; face: string }
  | { kind: 'face'; marker: Marker; face: string };

/**
 * Draws the pictures in `page` (any page: it only needs a canvas and the system fonts) and writes
 * each as a PNG into `dir`; answers the files in order.
 */
export async function renderPictures(page: Page, pictures: readonly Picture[], dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const [i, picture] of pictures.entries()) {
    const dates =
      picture.kind === 'passport' ? { birth: passportDate(picture.passport.holder.birth, 19), expiry: passportDate(picture.passport.holder.expiry, 20) } : null;
    const dataUrl = await page.evaluate(drawPicture, { picture, dates, frame: FRAME, marker: MARKER, colour: MARKER_COLOURS[picture.marker] });
    const file = join(dir, `${String(i).padStart(2, '0')}-${picture.marker}.png`);
    writeFileSync(file, Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64'));
    files.push(file);
  }
  return files;
}

/**
 * One y4m of the pictures, `seconds` each at `fps`, in order (Chromium's fake camera loops it).
 * The frame rate is low on purpose: the pictures are still and a y4m is uncompressed.
 */
export async function buildCameraVideo(pngs: readonly string[], out: string, seconds = 8, fps = 5): Promise<void> {
  const inputs = pngs.flatMap((png) => ['-loop', '1', '-framerate', String(fps), '-t', String(seconds), '-i', png]);
  const concat = `${pngs.map((_, i) => `[${i}:v]`).join('')}concat=n=${pngs.length}:v=1:a=0,format=yuv420p[v]`;
  await run('ffmpeg', ['-loglevel', 'error', '-y', ...inputs, '-filter_complex', concat, '-map', '[v]', '-r', String(fps), out]);
}

/** Runs in the page: draws one picture on a canvas and answers it as a PNG data URL. */
async function drawPicture(args: {
  picture: Picture;
  /** A passport's dates as its visual zone prints them (the page has none of this module's functions). */
  dates: { birth: string; expiry: string } | null;
  frame: { width: number; height: number };
  marker: { x: number; y: number; size: number };
  colour: readonly number[];
}): Promise<string> {
  const { picture, dates, frame, marker, colour } = args;
  // The MRZ's font size, vertical scale and side margin (see the passport below).
  const MRZ_STRETCH = 0.8;
  const MRZ_FONT_PX = 44;
  const MRZ_MARGIN = 40;
  await document.fonts.load('32px NanumGothic');
  const canvas = document.createElement('canvas');
  canvas.width = frame.width;
  canvas.height = frame.height;
  const g = canvas.getContext('2d')!;
  const image = async (src: string) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    return img;
  };
  const text = (value: string, x: number, y: number, size: number, options: { bold?: boolean; family?: string; colour?: string } = {}) => {
    g.font = `${options.bold ? 'bold ' : ''}${size}px ${options.family ?? 'NanumGothic'}`;
    g.fillStyle = options.colour ?? '#111';
    g.fillText(value, x, y);
  };
  g.textBaseline = 'top';
  // A desk under the document.
  g.fillStyle = '#3b4048';
  g.fillRect(0, 0, frame.width, frame.height);
  const face = await image(picture.face);

  if (picture.kind === 'resident-card') {
    // The card (85.6 x 54 mm) as large as the frame allows; text sizes as document-ocr.test.ts found
    // tesseract reads best (glyphs much taller than ~60 px are misread).
    const x0 = 120;
    const y0 = 32;
    g.fillStyle = '#f3f6fa';
    g.fillRect(x0, y0, 1040, 656);
    const c = picture.card;
    text('주민등록증', x0 + 64, y0 + 48, 46, { bold: true });
    text(c.name, x0 + 64, y0 + 170, 54, { bold: true });
    text(c.residentNumber, x0 + 64, y0 + 252, 42);
    text(c.address, x0 + 64, y0 + 340, 28);
    // Name and date bold: through the video's compression, regular strokes lost 홍's ㅗ (read 흥) and the date's dots.
    text(c.issueDate, x0 + 340, y0 + 486, 36, { bold: true });
    text(c.issuer, x0 + 244, y0 + 552, 39, { bold: true });
    // The photo sits between the name's line and the issue date's: beside either, tesseract reads its
    // edge as part of that line.
    g.drawImage(face, x0 + 760, y0 + 240, 190, 225);
  } else if (picture.kind === 'passport') {
    // The data page's lower part: portrait, the visual zone, and the MRZ across the frame's width.
    const p = picture.passport;
    const h = p.holder;
    g.fillStyle = '#eef2ea';
    g.fillRect(0, 96, frame.width, frame.height - 96);
    g.drawImage(face, 40, 120, 250, 300);
    const label = (value: string, y: number, x = 330) => text(value, x, y, 22, { colour: '#4a4f57' });
    text(`PASSPORT  여권  ${h.type}  ${h.country}`, 330, 110, 38, { bold: true });
    label('Surname / 성', 166);
    text(h.surname, 330, 192, 36);
    label('Given names / 이름', 240);
    text(`${h.givenNames}  ${p.koreanName}`, 330, 266, 36);
    label('Passport No. / 여권번호', 314);
    text(h.documentNumber, 330, 340, 36);
    label('Date of birth / 생년월일', 388);
    text(dates!.birth, 330, 414, 36);
    label('Date of expiry / 기간만료일', 388, 760);
    text(dates!.expiry, 760, 414, 36);
    // The MRZ: a white band, 44 monospaced characters across the frame, one per fixed step. Font,
    // size and a slightly flattened glyph were tuned on this capture path: tesseract's kor+eng
    // reads DejaVu Sans Mono far better than Debian's OCR-B font, and at other sizes it misreads
    // the runs of '<' fillers (as L, I, K) or KOR as K0OR, which breaks the line's length.
    g.fillStyle = '#ffffff';
    g.fillRect(0, 480, frame.width, 240);
    g.save();
    g.scale(1, MRZ_STRETCH);
    g.font = `${MRZ_FONT_PX}px "DejaVu Sans Mono"`;
    g.fillStyle = '#000';
    const pitch = (frame.width - 2 * MRZ_MARGIN) / 44;
    for (const [i, line] of p.mrz.entries()) {
      for (const [j, char] of [...line].entries()) g.fillText(char, MRZ_MARGIN + j * pitch, (510 + i * 100) / MRZ_STRETCH);
    }
    g.restore();
  } else {
    // The live face: the person in front of the camera.
    g.fillStyle = '#c8ccd2';
    g.fillRect(340, 96, 600, 624);
    g.drawImage(face, 420, 160, 440, 440 * (face.naturalHeight / face.naturalWidth));
  }
  g.fillStyle = `rgb(${colour.join(',')})`;
  g.fillRect(marker.x, marker.y, marker.size, marker.size);
  return canvas.toDataURL('image/png');
}
