import { Hono } from 'hono';
import type { AppEnv } from './app-env.ts';
import { loadConfig } from './config.ts';
import { handleError, handleNotFound } from './http-error.ts';
import { demoRoutes } from './routes/demo.ts';
import { nodeRoutes } from './routes/nodes.ts';
import { participantSocketRoutes } from './routes/participant-socket.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { systemRoutes } from './routes/system.ts';

/** The control plane's HTTP surface. Static files (web/dist) are served by the assets router. */
export const app = new Hono<AppEnv>()
  .use('*', async (c, next) => {
    // Parsed once per isolate; a bad variable fails every request with a logged ConfigError.
    c.set('config', loadConfig(c.env));
    await next();
  })
  .route('/', systemRoutes)
  // Before sessionRoutes: the socket route is token-authenticated, not bank-signed.
  .route('/v1/sessions', participantSocketRoutes)
  .route('/v1/sessions', sessionRoutes)
  .route('/v1/nodes', nodeRoutes)
  .route('/v1/demo', demoRoutes)
  .notFound(handleNotFound)
  .onError(handleError);
