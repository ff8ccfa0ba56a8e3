/*
 * An evidence pack on disk, as `vident evidence download` writes it and `verify`/`decrypt` read it:
 *
 *   <dir>/manifest.json     SignedManifest (the control plane's Ed25519 signature over the manifest)
 *   <dir>/audit.json        the audit entries the manifest's head covers (and any later ones)
 *   <dir>/signing-key.json  EvidenceSigningKey as served at download time: for people to read, never
 *                           trusted (verify takes a pinned key: trusted-keys.ts)
 *   <dir>/<fileName>        every artifact, still sealed for the bank (*.venc); assessment.json.venc is
 *                           the session's review in full (document, bank checks, face matches)
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import {
  EvidenceSigningKey,
  PackFileName,
  SignedManifest,
  importBankPrivateKey,
  verifyEvidencePack,
  type BankClient,
  type PackCheck,
} from '@vident/protocol';
import { openSealedFile, sha256File } from './sealed-file.ts';

/** Downloads a session's pack into `dir`; the artifacts' hashes are checked as they land. */
export async function downloadPack(bank: BankClient, sessionId: string, dir: string, doFetch: typeof fetch = fetch): Promise<{ files: string[]; key: EvidenceSigningKey }> {
  const pack = await bank.evidence(sessionId);
  const key = await bank.signingKey();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files: string[] = [];
  // Every name is checked before anything is written: a name with a path in it would write outside `dir`.
  for (const d of pack.downloads) packFileName(d.fileName);
  for (const d of pack.downloads) {
    const target = join(dir, d.fileName);
    const response = await doFetch(d.url);
    if (!response.ok || !response.body) throw new Error(`download of ${d.fileName} failed: HTTP ${response.status}`);
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), createWriteStream(target, { mode: 0o600 }));
    const expected = pack.signed.manifest.artifacts.find((a) => a.artifactId === d.artifactId)?.sha256;
    if (expected !== (await sha256File(target))) {
      await rm(target, { force: true });
      throw new Error(`${d.fileName} arrived damaged (SHA-256 differs from the manifest)`);
    }
    files.push(d.fileName);
  }
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(pack.signed, null, 2));
  await writeFile(join(dir, 'audit.json'), JSON.stringify(pack.audit, null, 2));
  await writeFile(join(dir, 'signing-key.json'), JSON.stringify(key, null, 2));
  return { files, key };
}

/** The name itself when it is one an evidence pack may hold; otherwise an error naming it. */
function packFileName(name: string): string {
  if (!PackFileName.safeParse(name).success) throw new Error(`refusing the pack: ${JSON.stringify(name.slice(0, 80))} is not a file name of an evidence pack`);
  return name;
}

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8')) as unknown;
}

/** The id of the key the pack says it was signed with (to look the pinned key up); null if unreadable. */
export async function packSigningKeyId(dir: string): Promise<string | null> {
  try {
    const signed = SignedManifest.safeParse(await readJson(join(dir, 'manifest.json')));
    return signed.success ? signed.data.manifest.signingKeyId : null;
  } catch {
    return null;
  }
}

/**
 * Verifies a pack folder offline: signature under `publicKey` (a pinned key, never the copy in
 * the pack), audit chain up to the manifest's head, every artifact's SHA-256.
 */
export async function verifyPackDir(dir: string, publicKey: string): Promise<PackCheck> {
  let signed: unknown;
  let audit: unknown;
  try {
    signed = await readJson(join(dir, 'manifest.json'));
    audit = await readJson(join(dir, 'audit.json'));
  } catch (error) {
    return { ok: false, problem: 'format', message: `cannot read the pack: ${(error as Error).message}` };
  }
  return verifyEvidencePack({ signed, audit, publicKey }, async (fileName) => {
    if (!PackFileName.safeParse(fileName).success) return null;
    const path = join(dir, fileName);
    return existsSync(path) ? sha256File(path) : null;
  });
}

const extensions: Record<string, string> = { 'video/webm': '.webm', 'image/jpeg': '.jpg', 'image/png': '.png', 'application/json': '.json' };

/**
 * Opens every artifact of a verified pack with the bank's private key (PKCS#8 PEM) into `outDir`.
 * `onProgress` hears the sealed bytes opened so far of all the pack's (a progress bar).
 */
export async function decryptPackDir(dir: string, privateKeyPem: string, outDir: string, onProgress?: (done: number, total: number) => void): Promise<string[]> {
  const signed = SignedManifest.parse(await readJson(join(dir, 'manifest.json')));
  const key = await importBankPrivateKey(privateKeyPem);
  await mkdir(outDir, { recursive: true, mode: 0o700 });
  const written: string[] = [];
  const total = signed.manifest.artifacts.reduce((sum, a) => sum + a.size, 0);
  let done = 0;
  for (const a of signed.manifest.artifacts) {
    const base = a.fileName.replace(/\.venc$/, '').replace(/\.(webm|jpg|png|json)$/, '');
    const out = join(outDir, base + (extensions[a.contentType] ?? '.bin'));
    await openSealedFile(join(dir, a.fileName), key, out, onProgress && ((bytes) => onProgress((done += bytes), total)));
    written.push(out);
  }
  return written;
}
