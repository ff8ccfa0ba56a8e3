import { Hono } from 'hono';
import type { AppEnv } from '../../base/app-env.ts';
import { createSession } from '../../session/create-session.ts';
import { baseUrlFor, participantLinks } from '../../session/session-link.ts';
import { directoryStub } from '../../base/env.ts';
import { ApiError } from '../../base/http-error.ts';

/** One row of `GET /v1/demo/sessions`. */
export interface DemoSession {
  sessionId: string;
  state: string;
  customerName: string;
  createdAt: string;
  expiresAt: string;
  customerUrl: string;
  agentUrl: string;
}

/**
 * Whether a request reached us over https: its own URL (what Cloudflare's edge hands the Worker),
 * or a TLS-terminating proxy in front saying so (X-Forwarded-Proto, CF-Visitor). A forged header
 * can only make the demo refuse, never admit.
 */
export function arrivedOverHttps(request: Request): boolean {
  if (new URL(request.url).protocol === 'https:') return true;
  const forwarded = request.headers.get('x-forwarded-proto') ?? '';
  if (forwarded.split(',').some((p) => p.trim().toLowerCase() === 'https')) return true;
  try {
    const visitor = JSON.parse(request.headers.get('cf-visitor') ?? '{}') as { scheme?: unknown };
    return visitor?.scheme === 'https';
  } catch {
    return false;
  }
}

/**
 * Local demo (DEMO_MODE="true" only; 404 otherwise): lets a bare visit of the web app create a
 * session and pick a role without a bank. Unsigned by design, so never enabled in production:
 * config refuses it with an https PUBLIC_BASE_URL, and without one a request that arrived over
 * https (a deployment, not a local stack) is refused here (security review finding 12).
 */
export const demoRoutes = new Hono<AppEnv>()
  .use('*', async (c, next) => {
    if (!c.var.config.demoMode) throw new ApiError('not_found', 404, `no route for ${c.req.method} ${c.req.path}`);
    if (arrivedOverHttps(c.req.raw)) throw new ApiError('forbidden', 403, 'the demo runs on a local stack over http only (DEMO_MODE hands out session links to anyone)');
    await next();
  })
  .post('/sessions', async (c) => {
    const created = await createSession(
      c.env,
      c.var.config,
      { externalRef: `demo-${Date.now()}`, customerName: 'Demo customer', locale: 'ko', record: true, metadata: {} },
      baseUrlFor(c.var.config, c.req.url),
    );
    return c.json(created, 201);
  })
  .get('/sessions', async (c) => {
    const views = await directoryStub(c.env).list({ states: ['created', 'waiting', 'in_call'], limit: 50 });
    const base = baseUrlFor(c.var.config, c.req.url);
    const sessions: DemoSession[] = await Promise.all(
      views.map(async (v) => ({
        sessionId: v.sessionId,
        state: v.state,
        customerName: v.customerName,
        createdAt: v.createdAt,
        expiresAt: v.expiresAt,
        ...(await participantLinks(c.var.config, base, v.sessionId, Date.parse(v.expiresAt), v.locale)),
      })),
    );
    return c.json({ sessions });
  });
