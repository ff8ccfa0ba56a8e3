import { Hono } from 'hono';
import type { AppEnv } from '../base/app-env.ts';
import { loadConfig } from '../base/config.ts';
import { handleError, handleNotFound } from '../base/http-error.ts';
import { securityHeaders } from './security-headers.ts';
import { adminRoutes } from './routes/admin.ts';
import { captureRoutes } from './routes/captures.ts';
import { probeRoutes } from './routes/probe.ts';
import { reportRoutes } from './routes/reports.ts';
import { demoRoutes } from './routes/demo.ts';
import { agentSignInRoutes, deskRoutes } from './routes/desk.ts';
import { evidencePublicRoutes } from './routes/evidence-public.ts';
import { nodeRoutes } from './routes/nodes.ts';
import { participantSocketRoutes } from './routes/participant-socket.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { systemRoutes } from './routes/system.ts';
import { uploadRoutes } from './routes/uploads.ts';

/** The control plane's HTTP surface. Static files (web/dist) are served by the assets router. */
export const app = new Hono<AppEnv>()
  .use('*', securityHeaders)
  .use('*', async (c, next) => {
    // Parsed once per isolate; a bad variable fails every request with a logged ConfigError.
    c.set('config', loadConfig(c.env));
    await next();
  })
  .route('/', systemRoutes)
  // Before sessionRoutes: the socket and capture routes are token-authenticated, not bank-signed.
  .route('/v1/sessions', participantSocketRoutes)
  .route('/v1/sessions', captureRoutes)
  .route('/v1/sessions', probeRoutes)
  .route('/v1/sessions', sessionRoutes)
  // Before nodeRoutes: upload parts are streamed, never buffered by nodeRoutes' nodeAuth.
  .route('/v1/nodes', uploadRoutes)
  .route('/v1/nodes', nodeRoutes)
  .route('/v1/admin', adminRoutes)
  .route('/v1/evidence', evidencePublicRoutes)
  .route('/v1/demo', demoRoutes)
  .route('/v1/agents', agentSignInRoutes)
  .route('/v1/desk', deskRoutes)
  .route('/v1/reports', reportRoutes)
  .notFound(handleNotFound)
  .onError(handleError);
