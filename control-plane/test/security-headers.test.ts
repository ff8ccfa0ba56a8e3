import { SELF } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSession, installFakeNode, ORIGIN, Participant, registerNode, signedFetch } from './helpers.ts';

// Installed for the whole file: a socket closed at the end of a test still sends `leave` commands.
installFakeNode();
beforeEach(() => registerNode('node-headers'));
afterEach(() => Participant.closeAll());

/** What every API answer must carry, whatever its status. */
function expectApiHeaders(res: Response): void {
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
  expect(res.headers.get('permissions-policy')).toContain('camera=()');
}

describe('security headers on API answers', () => {
  it('on a success, a signed answer, an error and an unknown route', async () => {
    for (const res of [
      await SELF.fetch(`${ORIGIN}/health`),
      await signedFetch('POST', '/v1/sessions', { externalRef: 'headers-1', customerName: 'Header Kim' }),
      await SELF.fetch(`${ORIGIN}/v1/sessions`),
      await SELF.fetch(`${ORIGIN}/v1/no-such-route`),
    ]) {
      expect([200, 201, 401, 404]).toContain(res.status);
      expectApiHeaders(res);
      await res.body?.cancel();
    }
  });

  it('leaves a WebSocket upgrade working (its answer comes from the session object as it is)', async () => {
    const s = await createSession();
    const customer = await Participant.join(s.sessionId, s.customerUrl);
    expect((await customer.next('welcome')).type).toBe('welcome');
  });
});
