/*
 * Seals a plaintext file into a VEN1 envelope (protocol/evidence-crypto.ts) without holding it
 * in memory: read one chunk, seal it, append it, hash it. The chunking is exactly sealBytes's:
 * every chunk is `chunkSize` bytes, the last one is the one that reaches the end of the file
 * (so a file of an exact multiple of the chunk size ends with a full last chunk, and an empty
 * file is one empty last chunk). The output is fsynced before this returns, so a caller that
 * records it as ready afterwards never points at bytes still in the page cache.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { DEFAULT_CHUNK_SIZE, EnvelopeWriter, type BankPublicKey } from '@vident/protocol';

/** What the sealed file is: its size and SHA-256 (hex), the values an upload declares. */
export interface SealedFile {
  size: number;
  sha256: string;
  bankKeyId: string;
}

export interface SealFileOptions {
  input: string;
  output: string;
  bank: BankPublicKey;
  contentType: string;
  chunkSize?: number;
}

export async function sealFile(opts: SealFileOptions): Promise<SealedFile> {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const writer = await EnvelopeWriter.create(opts.bank, opts.contentType, chunkSize);
  const hash = createHash('sha256');
  const source = await open(opts.input, 'r');
  try {
    const target = await open(opts.output, 'w', 0o600);
    try {
      let size = 0;
      const append = async (bytes: Uint8Array) => {
        hash.update(bytes);
        await target.write(bytes);
        size += bytes.length;
      };
      await append(writer.header);
      // The input is a finished file of ours: its size decides which chunk is the last.
      const total = (await source.stat()).size;
      const buffer = Buffer.alloc(chunkSize);
      for (let offset = 0; ; offset += chunkSize) {
        const want = Math.min(chunkSize, total - offset);
        let got = 0;
        while (got < want) {
          const { bytesRead } = await source.read(buffer, got, want - got, offset + got);
          if (bytesRead === 0) throw new Error(`${opts.input} shrank while it was being sealed`);
          got += bytesRead;
        }
        const last = offset + chunkSize >= total;
        await append(await writer.seal(buffer.subarray(0, want), last));
        if (last) break;
      }
      await target.sync();
      return { size, sha256: hash.digest('hex'), bankKeyId: opts.bank.keyId };
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}
