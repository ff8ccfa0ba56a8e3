/*
 * Streaming counterparts of the protocol's whole-buffer envelope helpers, for files too large to
 * hold in memory (a 30-minute recording): hash a file, open a sealed file chunk by chunk.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { EnvelopeError, EnvelopeReader, type EnvelopeHeader } from '@vident/protocol';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Opens `sealedPath` with the bank's private key into `plainPath` (written beside, then renamed, so
 * a failed check never leaves a half-written plaintext under the final name). `onBytes` hears how
 * many sealed bytes each chunk took (a progress bar).
 */
export async function openSealedFile(sealedPath: string, privateKey: CryptoKey, plainPath: string, onBytes?: (sealedBytes: number) => void): Promise<EnvelopeHeader> {
  const input = await open(sealedPath, 'r');
  const partial = `${plainPath}.partial`;
  const output = await open(partial, 'w', 0o600);
  try {
    const { size } = await input.stat();
    const start = Buffer.alloc(Math.min(size, 8 + 16 * 1024));
    await input.read(start, 0, start.length, 0);
    const reader = await EnvelopeReader.open(start, privateKey);
    const step = reader.sealedChunkSize;
    let position = reader.headerBytes.length;
    if (size - position < 16) throw new EnvelopeError('the envelope has no chunks');
    const buffer = Buffer.alloc(step);
    while (position < size) {
      const length = Math.min(step, size - position);
      const { bytesRead } = await input.read(buffer, 0, length, position);
      if (bytesRead !== length) throw new EnvelopeError('the file changed while it was read');
      position += length;
      await output.write(await reader.open(buffer.subarray(0, length), position >= size));
      onBytes?.(length);
    }
    await output.sync();
    await output.close();
    await rename(partial, plainPath);
    return reader.header;
  } catch (error) {
    await output.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  } finally {
    await input.close();
  }
}
