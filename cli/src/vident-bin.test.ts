/* The real `vident` process (bin/vident.mjs through tsx, a few seconds to start): exit codes and streams as a shell sees them. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/vident.mjs', import.meta.url));

function vident(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME } }, (error, stdout, stderr) =>
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('bin/vident.mjs', () => {
  it('help: exit 0 on stdout; a usage mistake: exit 2 on stderr; a failure: exit 1 with its code', async () => {
    const [help, mistake, failure] = await Promise.all([vident(['nodes', 'drain', '--help']), vident(['nodes', 'drain']), vident(['nodes', 'list', '--json'])]);
    expect(help).toMatchObject({ code: 0, stderr: '', stdout: expect.stringMatching(/^vident nodes drain <nodeId>\n/) });
    expect(mistake).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/^vident: usage: /) });
    expect(failure).toMatchObject({ code: 1, stdout: '' });
    expect(JSON.parse(failure.stderr)).toEqual({ error: { code: 'missing_credentials', message: expect.stringContaining('VIDENT_ADMIN_KEY_ID') } });
  }, 60_000);

  it('answers the completion script: the commands after "vident nodes"', async () => {
    expect(await vident(['--get-yargs-completions', 'vident', 'nodes', ''])).toEqual({ code: 0, stderr: '', stdout: 'list\nenrol\nrevoke\ndrain\nundrain\n' });
  }, 60_000);
});
