import { ListRecordingsQuery, Locale, type PublicConfig, type RecordingList, type SystemStatus } from '@vident/protocol';
import { Hono } from 'hono';
import type { AppEnv } from '../../base/app-env.ts';
import { directoryStub, registryStub } from '../../base/env.ts';
import { parseInput } from '../../base/http-error.ts';
import { openApiJson } from '../openapi.ts';
import { bankAuth } from '../../base/signed-request.ts';

export const VERSION = '0.1.0';

/** /health, /v1/config, /v1/openapi.json (public), /v1/status and /v1/recordings (bank-signed). */
export const systemRoutes = new Hono<AppEnv>()
  .get('/health', (c) => c.json({ ok: true }))
  .get('/v1/config', (c) =>
    c.json({
      version: VERSION,
      locales: Locale.options,
      maxSessionMinutes: c.var.config.sessionMaxMinutes,
      // TCP-only media comes from candidate filtering on both ends, not from a relay policy.
      iceTransportPolicy: 'all',
      // Public by nature: the agent's page seals captures with it.
      evidencePublicKey: c.var.config.evidence.publicKeyPem,
    } satisfies PublicConfig),
  )
  // Public by design: the document describes the API and contains nothing secret.
  .get('/v1/openapi.json', (c) => c.body(openApiJson(VERSION), 200, { 'content-type': 'application/json; charset=utf-8' }))
  .get('/v1/status', bankAuth, async (c) => {
    const [nodes, activeSessions] = await Promise.all([registryStub(c.env).status(), directoryStub(c.env).activeCount()]);
    return c.json({ nodes, activeSessions } satisfies SystemStatus);
  })
  .get('/v1/recordings', bankAuth, async (c) => {
    const query = parseInput(ListRecordingsQuery, c.req.query());
    const recordings = await directoryStub(c.env).recordings({
      ...(query.sessionId ? { sessionId: query.sessionId } : {}),
      limit: query.limit,
    });
    return c.json({ recordings } satisfies RecordingList);
  });
