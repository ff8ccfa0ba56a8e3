import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '..', '..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the `vident` command as a bank's back office would, against the e2e stack. */
export function vident(args: string[], env: { baseUrl: string; stateDir: string }): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [resolve(repoRoot, 'cli/bin/vident.mjs'), ...args],
      // The stack's own trust store: keys pinned by this run's first download, never a developer's.
      { cwd: repoRoot, env: { ...process.env, VIDENT_URL: env.baseUrl, VIDENT_CONFIG_DIR: join(env.stateDir, 'cli-config') }, timeout: 120_000 },
      (error, stdout, stderr) => done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}
