/*
 * A fresh folder in memory (tmpfs) when the machine has one, for what the benchmark keeps in files
 * that are not its subject: locally workerd keeps each Durable Object in its own SQLite file and
 * syncs it to disk on its one thread, which a slow disk turns into the figure (docs/BENCHMARKS.md,
 * session creations). On Cloudflare an object's storage is not a file on the Worker's disk.
 */
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** statfs's f_type of a tmpfs (linux/magic.h). */
const TMPFS_MAGIC = 0x01021994;
const SHARED_MEMORY = '/dev/shm';

export interface BenchDir {
  path: string;
  /** Whether the folder is on a tmpfs (else the usual temporary folder, on disk). */
  inMemory: boolean;
  remove(): void;
}

function isTmpfs(path: string): boolean {
  try {
    return statfsSync(path).type === TMPFS_MAGIC;
  } catch {
    return false;
  }
}

/** Folders not removed yet: removed when the process exits (a signal's handler, janus-host.ts, exits too). */
const live = new Set<string>();
let exitHookInstalled = false;

function removeOnExit(path: string): void {
  live.add(path);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const left of live) rmSync(left, { recursive: true, force: true });
  });
}

function benchDir(parent: string, prefix: string, inMemory: boolean): BenchDir {
  const path = mkdtempSync(join(parent, prefix));
  removeOnExit(path);
  return {
    path,
    inMemory,
    remove: () => {
      rmSync(path, { recursive: true, force: true });
      live.delete(path);
    },
  };
}

/** A new folder on /dev/shm when it is a tmpfs, else in the temporary folder (`inMemory` says which). */
export function memoryDir(prefix: string): BenchDir {
  const inMemory = isTmpfs(SHARED_MEMORY);
  return benchDir(inMemory ? SHARED_MEMORY : tmpdir(), prefix, inMemory);
}

/** A new folder in the temporary folder (on disk unless the machine mounts it as a tmpfs). */
export function diskDir(prefix: string): BenchDir {
  return benchDir(tmpdir(), prefix, isTmpfs(tmpdir()));
}
