import { existsSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diskDir, memoryDir } from './memory-dir.ts';

const TMPFS_MAGIC = 0x01021994;
const shmIsTmpfs = (() => {
  try {
    return statfsSync('/dev/shm').type === TMPFS_MAGIC;
  } catch {
    return false;
  }
})();

describe('memory-dir', () => {
  it('puts a memory folder on a tmpfs when /dev/shm is one, and removes it with its files', () => {
    const dir = memoryDir('vident-memory-dir-test-');
    try {
      expect(dir.inMemory).toBe(shmIsTmpfs);
      expect(statfsSync(dir.path).type === TMPFS_MAGIC).toBe(dir.inMemory);
      writeFileSync(join(dir.path, 'object.sqlite'), 'x');
    } finally {
      dir.remove();
    }
    expect(existsSync(dir.path)).toBe(false);
  });

  it('says whether the disk folder is really on disk', () => {
    const dir = diskDir('vident-disk-dir-test-');
    try {
      expect(statfsSync(dir.path).type === TMPFS_MAGIC).toBe(dir.inMemory);
    } finally {
      dir.remove();
    }
    expect(existsSync(dir.path)).toBe(false);
  });
});
