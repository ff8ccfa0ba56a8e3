import { describe, expect, it } from 'vitest';
import { countingFetch, formatBytes, showsProgress } from './progress.ts';

describe('progress bars', () => {
  it.each([
    [true, false, true],
    [true, true, false],
    [false, false, false],
    [undefined, false, false],
  ])('stderr a terminal: %s, --json: %s → bar: %s', (stderrIsTTY, json, shown) => {
    expect(showsProgress({ stderrIsTTY, json })).toBe(shown);
  });

  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [12 * 1024, '12.0 KiB'],
    [3.4 * 1024 * 1024, '3.4 MiB'],
    [734 * 1024 * 1024, '734.0 MiB'],
    [1.2 * 1024 ** 3, '1.20 GiB'],
  ])('%d bytes read as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('counts the bytes of a response body as it is read, leaving the body and status as they were', async () => {
    const body = new Uint8Array(100_000).map((_, i) => i & 0xff);
    let counted = 0;
    const doFetch = countingFetch(async () => new Response(body, { status: 200, headers: { 'content-type': 'video/webm' } }), (n) => (counted += n));
    const response = await doFetch('http://files.test/x');
    expect(counted).toBe(0);
    expect(response.headers.get('content-type')).toBe('video/webm');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(body);
    expect(counted).toBe(body.length);
  });
});
