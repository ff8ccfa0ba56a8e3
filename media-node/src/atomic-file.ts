import { randomBytes } from 'node:crypto';
import { open, rename } from 'node:fs/promises';
import path from 'node:path';

/** fsyncs a file or a folder. */
export async function fsyncPath(p: string): Promise<void> {
  const handle = await open(p, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `target` with `text` so that a crash leaves either the old or the new file, never a
 * torn one: tmp + fsync + rename + fsync of the folder (the rename lives in the folder).
 */
export async function writeFileAtomic(target: string, text: string, mode = 0o600): Promise<void> {
  const tmp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(tmp, 'w', mode);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, target);
  await fsyncPath(path.dirname(target));
}
