import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-error.ts';
import { helpHint, parseCommandLine, type CommandLine } from './command-line.ts';

const parse = (...argv: string[]): CommandLine => parseCommandLine(argv, { version: '9.8.7', width: 100 });
const NODE = 'node-a';
const SESSION = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

describe('vident command line → command', () => {
  it.each([
    [['evidence', 'download', SESSION, '--out', 'pack', '--state-dir', '.vident'], { group: 'evidence', args: { command: 'download', target: SESSION, out: 'pack', stateDir: '.vident' } }],
    [['evidence', 'verify', 'pack/', '--signing-key', 'a2V5'], { group: 'evidence', args: { command: 'verify', target: 'pack/', signingKey: 'a2V5' } }],
    // --state-dir was accepted on every command before yargs; verify and decrypt still take (and ignore) it.
    [['evidence', 'verify', 'pack/', '--state-dir', '.vident'], { group: 'evidence', args: { command: 'verify', target: 'pack/' } }],
    [['evidence', 'decrypt', 'pack/', '--key', 'bank.pem', '--out', 'plain/'], { group: 'evidence', args: { command: 'decrypt', target: 'pack/', key: 'bank.pem', out: 'plain/' } }],
    [['evidence', 'pin-key'], { group: 'evidence', args: { command: 'pin-key', signingKey: undefined } }],
    [['nodes', 'list', '--state-dir', 'd'], { group: 'nodes', args: { group: 'nodes', command: 'list', stateDir: 'd' } }],
    [['nodes', 'drain', NODE], { group: 'nodes', args: { group: 'nodes', command: 'drain', target: NODE } }],
    [['nodes', 'undrain', NODE], { group: 'nodes', args: { command: 'undrain', target: NODE } }],
    [['nodes', 'revoke', NODE], { group: 'nodes', args: { command: 'revoke', target: NODE } }],
    [
      ['nodes', 'enrol', NODE, '--public-key', 'cu2y=', '--url', 'https://n.example:7400', '--region', 'eu'],
      { group: 'nodes', args: { command: 'enrol', target: NODE, publicKey: 'cu2y=', url: 'https://n.example:7400', region: 'eu' } },
    ],
    [['sessions', 'list', '--node', NODE], { group: 'sessions', args: { group: 'sessions', command: 'list', node: NODE } }],
    [['sessions', 'timeline', SESSION], { group: 'sessions', args: { command: 'timeline', target: SESSION } }],
    [['agents', 'revoke', 'kim.minji', '--state-dir', 'd'], { group: 'agents', args: { command: 'revoke', target: 'kim.minji', stateDir: 'd' } }],
    // Ids stay strings, even all digits.
    [['agents', 'revoke', '007'], { group: 'agents', args: { command: 'revoke', target: '007' } }],
  ])('%j', (argv, spec) => {
    expect(parse(...argv)).toEqual({ kind: 'run', spec: expect.objectContaining({ ...spec, args: expect.objectContaining(spec.args) }), json: false });
  });

  it('--json anywhere on the line asks for JSON', () => {
    expect(parse('nodes', 'list', '--json')).toMatchObject({ kind: 'run', json: true });
    expect(parse('--json', 'sessions', 'list')).toMatchObject({ kind: 'run', json: true });
  });

  it('--help and --version are text to print, not a command', () => {
    expect(parse('--version')).toEqual({ kind: 'print', text: '9.8.7' });
    const help = parse('nodes', 'drain', '--help');
    expect(help).toMatchObject({ kind: 'print', text: expect.stringMatching(/^vident nodes drain <nodeId>\n/) });
    expect(parse('-h')).toMatchObject({ kind: 'print', text: expect.stringContaining('Exit status: 0 done, 1 failed') });
  });

  it('prints a completion script naming vident; a completion request is left to yargs', () => {
    expect(parse('completion')).toMatchObject({ kind: 'print', text: expect.stringContaining('vident --get-yargs-completions') });
    expect(parse('--get-yargs-completions', 'vident', 'nodes', '')).toEqual({ kind: 'complete' });
  });

  it.each([
    [[], /which command\?/],
    [["fleet", "list"], /^unknown command "fleet"$/],
    [["completion", "bash"], /^unknown command "bash"$/],
    [['nodes', 'lst'], /unknown command "lst"\. Did you mean list\?/],
    [['nodes'], /vident nodes: which command\?/],
    [['nodes', 'drain'], /Not enough non-option arguments/],
    [['nodes', 'list', 'extra'], /Unknown argument: extra/],
    [['sessions', 'list', '--bogus'], /Unknown argument: bogus/],
    [['sessions', 'list', '--node'], /Not enough arguments following: node/],
    [['nodes', 'list', '--node', NODE], /Unknown argument: node/],
    [['nodes', 'enrol', NODE, '--url', 'https://n.example'], /Missing required argument: public-key/],
    [['evidence', 'download', SESSION], /Missing required argument: out/],
    [['evidence', 'decrypt', 'pack/'], /Missing required argument: key/],
    [['evidence', 'verify'], /Not enough non-option arguments/],
    [['agents', 'revoke', 'a', 'b'], /Unknown argument: b/],
  ])('%j is a usage mistake', (argv, message) => {
    expect(() => parse(...argv)).toThrow(UsageError);
    expect(() => parse(...argv)).toThrow(message);
  });

  it('points at the help of the deepest command named', () => {
    expect(helpHint(['nodes', 'drain', '--bogus'])).toBe('run "vident nodes drain --help" for usage');
    expect(helpHint(['nodes', 'lst'])).toBe('run "vident nodes --help" for usage');
    expect(helpHint(['fleet'])).toBe('run "vident --help" for usage');
  });
});
