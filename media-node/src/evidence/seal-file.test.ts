import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { generateBankKeyPair, importBankPrivateKey, importBankPublicKey, openBytes, sealBytes } from '@vident/protocol';
import { probeDurationMs } from '../recording/post-process.ts';
import { sealFile } from './seal-file.ts';

const keys = await generateBankKeyPair(2048);
const bank = await importBankPublicKey(keys.publicKeyPem);
const privateKey = await importBankPrivateKey(keys.privateKeyPem);
const dir = await mkdtemp(path.join(os.tmpdir(), 'vident-seal-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('sealFile', () => {
  it.each([0, 1, 1023, 1024, 1025, 2048, 2560])('seals %i bytes exactly as sealBytes chunks them, and opens back', async (n) => {
    const plain = randomBytes(n);
    const input = path.join(dir, `plain-${n}`);
    const output = path.join(dir, `sealed-${n}.venc`);
    await writeFile(input, plain);
    const sealed = await sealFile({ input, output, bank, contentType: 'video/webm', chunkSize: 1024 });
    const bytes = await readFile(output);
    expect(sealed).toEqual({ size: bytes.length, sha256: sha256(bytes), bankKeyId: bank.keyId });
    // Same chunk boundaries (and so the same length) as the protocol's whole-buffer sealing.
    expect(bytes.length).toBe((await sealBytes(bank, 'video/webm', plain, 1024)).length);
    const opened = await openBytes(privateKey, bytes);
    expect(opened.header).toMatchObject({ contentType: 'video/webm', chunkSize: 1024, bankKeyId: bank.keyId });
    expect(Buffer.from(opened.plain).equals(plain)).toBe(true);
  });

  it('seals a real webm in 1 MiB chunks; the opened file is the same bytes and still plays', async () => {
    const webm = path.join(dir, 'real.webm');
    // 3 s of VP8 + Opus: over 1 MiB, so several chunks.
    await promisify(execFile)('ffmpeg', [
      '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'lavfi', '-i', 'testsrc2=size=640x480:rate=25:duration=3',
      '-f', 'lavfi', '-i', 'sine=frequency=440:duration=3',
      // Noise keeps VP8 from compressing the picture below 1 MiB.
      '-vf', 'noise=alls=40:allf=t', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '6M', '-c:a', 'libopus', webm,
    ]);
    const plain = await readFile(webm);
    expect(plain.length).toBeGreaterThan(1024 * 1024);
    const output = path.join(dir, 'real.webm.venc');
    const sealed = await sealFile({ input: webm, output, bank, contentType: 'video/webm' });
    const bytes = await readFile(output);
    expect(sealed.sha256).toBe(sha256(bytes));
    expect(bytes.includes(plain.subarray(0, 64))).toBe(false);
    const opened = await openBytes(privateKey, bytes);
    expect(opened.header.chunkSize).toBe(1024 * 1024);
    expect(sha256(opened.plain)).toBe(sha256(plain));
    const reopened = path.join(dir, 'reopened.webm');
    await writeFile(reopened, opened.plain);
    expect(Math.abs((await probeDurationMs(reopened)) - 3000)).toBeLessThan(200);
  });

  it('fails on a missing input without creating the output', async () => {
    const output = path.join(dir, 'absent.venc');
    await expect(sealFile({ input: path.join(dir, 'absent'), output, bank, contentType: 'video/webm' })).rejects.toThrow(/ENOENT/);
    expect(existsSync(output)).toBe(false);
  });
});
