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

describe('memory-dir on exit', () => {
  it('removes a folder left behind when its process exits', async () => {
    const { execFileSync } = await import('node:child_process');
    const script = `import { memoryDir } from ${JSON.stringify(join(import.meta.dirname, 'memory-dir.ts'))}; const d = memoryDir('vident-memory-dir-exit-'); console.log(d.path); process.exit(3);`;
    let out = '';
    try {
      execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: import.meta.dirname });
    } catch (err) {
      out = String((err as { stdout?: string }).stdout ?? '');
    }
    const path = out.trim();
    expect(path).toMatch(/vident-memory-dir-exit-/);
    expect(existsSync(path)).toBe(false);
  });
});
