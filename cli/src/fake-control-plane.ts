/*
 * A control plane for CLI tests, behind a fetch: it checks every request's signature (the admin key
 * on /v1/admin/..., the bank key elsewhere) and answers like the real API, so the commands run
 * unchanged from argument parsing to output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignedManifest, verifyRequest, type EvidenceSigningKey, type FleetNode } from '@vident/protocol';

export const BANK_ENV = { VIDENT_KEY_ID: 'bank-1', VIDENT_KEY_SECRET: 'bank-secret-0123456789abcdef', VIDENT_URL: 'http://vident.test' };
export const ADMIN_ENV = { VIDENT_ADMIN_KEY_ID: 'ops-1', VIDENT_ADMIN_KEY_SECRET: 'ops-secret-0123456789abcdef', VIDENT_URL: 'http://vident.test' };
export const SESSION = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
export const NODE_PUBLIC_KEY = 'cu2yNVZYBJGij6ZML+5t4AdKj/RP6tdkYeXtYDdRr3M=';

export const drainedNode: FleetNode = {
  nodeId: 'node-a', url: 'http://10.0.0.1:7400', mediaAddress: null, region: 'default', capacity: 10, assignedSessions: 0,
  load: { sessions: 0, publishers: 0, subscribers: 0, bitrateKbps: 0, cpuPercent: 0, uploadsPending: 0 },
  janusUp: true, version: '0.1.0', lastHeartbeatAt: '2026-11-24T10:00:00.000Z', heartbeatAgeSeconds: 1, draining: true, status: 'drained',
  mediaSuspectUntil: null,
};

export const enrolledNode = {
  nodeId: 'node-a', publicKey: NODE_PUBLIC_KEY, url: 'https://node-a.example:7400', region: 'default', enrolledAt: '2026-11-24T10:00:00.000Z',
  revokedAt: null, controlPlanePublicKey: '777sAIGl/lxvsRv+55+COdYIDRRiCDskM1ShfpAg5OI=',
};

/** A pack folder the control plane serves for SESSION (evidence-pack-fixture.ts writes one). */
export interface ServedPack {
  dir: string;
  signingKey: EvidenceSigningKey;
}

export function fakeControlPlane(pack?: ServedPack): { fetch: typeof fetch; seen: string[] } {
  const seen: string[] = [];
  const keys: Record<string, string> = { [BANK_ENV.VIDENT_KEY_ID]: BANK_ENV.VIDENT_KEY_SECRET, [ADMIN_ENV.VIDENT_ADMIN_KEY_ID]: ADMIN_ENV.VIDENT_ADMIN_KEY_SECRET };
  const handler = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const path = url.pathname;
    if (url.host === 'files.test' && pack) return new Response(readFileSync(join(pack.dir, path.slice(1))));
    if (path === '/v1/evidence/signing-key' && pack) return Response.json(pack.signingKey);
    const body = await request.text();
    const admin = path.startsWith('/v1/admin/');
    const ok = await verifyRequest({
      method: request.method,
      pathWithQuery: path + url.search,
      body,
      header: (n) => request.headers.get(n),
      secretFor: (k) => (admin === (k === ADMIN_ENV.VIDENT_ADMIN_KEY_ID) ? keys[k] : undefined),
    });
    if (!ok.ok) return Response.json({ error: { code: ok.code, message: ok.message } }, { status: 401 });
    seen.push(`${request.method} ${path}${url.search}`);
    const route = `${request.method} ${path}`;
    if (route === 'GET /v1/admin/nodes') return Response.json({ nodes: [drainedNode], heartbeatTtlSeconds: 30 });
    if (route === 'POST /v1/admin/nodes') return Response.json({ ...enrolledNode, ...JSON.parse(body) }, { status: 201 });
    if (route === 'POST /v1/admin/nodes/node-a/revoke') return Response.json({ ...enrolledNode, revokedAt: '2026-11-24T11:00:00.000Z' });
    if (route === 'POST /v1/admin/nodes/node-a/drain' || route === 'POST /v1/admin/nodes/node-a/undrain') return Response.json(drainedNode);
    if (route === 'GET /v1/admin/sessions') return Response.json({ sessions: [] });
    if (route === `GET /v1/admin/sessions/${SESSION}/timeline`) {
      return Response.json({ sessionId: SESSION, entries: [{ seq: 1, at: '2026-11-24T10:00:00.000Z', offsetMs: 0, actor: 'bank', action: 'session.created' }] });
    }
    if (route === 'POST /v1/agents/kim.minji/revoke') return Response.json({ agentId: 'kim.minji', revokedAt: '2026-12-03T09:00:00.000Z', sessionId: SESSION });
    const signed = pack && SignedManifest.parse(JSON.parse(readFileSync(join(pack.dir, 'manifest.json'), 'utf8')));
    if (signed && route === `GET /v1/sessions/${signed.manifest.sessionId}/evidence`) {
      return Response.json({
        signed,
        audit: JSON.parse(readFileSync(join(pack.dir, 'audit.json'), 'utf8')),
        downloads: signed.manifest.artifacts.map((a) => ({ artifactId: a.artifactId, fileName: a.fileName, url: `http://files.test/${a.fileName}`, expiresAt: '2026-11-23T10:05:00.000Z' })),
      });
    }
    return Response.json({ error: { code: 'not_found', message: 'no such thing' } }, { status: 404 });
  };
  return { fetch: handler as typeof fetch, seen };
}
