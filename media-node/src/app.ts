import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { MediaNodeError } from './errors.ts';
import type { NodeMetrics } from './metrics/node-metrics.ts';
import type { MediaCommands } from './sessions/media-commands.ts';
import { commandRoutes } from './routes/commands.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';

export interface BuildAppOptions {
  commands: MediaCommands;
  nodeSecret: string;
  janusUp: () => boolean;
  /** Serves GET /metrics and times every command when given. */
  metrics?: NodeMetrics;
  logger?: FastifyServerOptions['logger'];
}

/** Log redaction: secrets and SDPs never reach a log line. */
export const LOG_REDACT_PATHS = [
  'req.headers["x-vident-signature"]',
  'req.headers.authorization',
  'secret',
  'apiSecret',
  'adminKey',
  'nodeSecret',
  '*.secret',
  '*.apiSecret',
  '*.adminKey',
  '*.nodeSecret',
  '*.NODE_SECRET',
  '*.JANUS_API_SECRET',
  '*.JANUS_ADMIN_KEY',
  '*.sdp',
];

/** Builds the sidecar's HTTP app (no listen): used by main.ts and by tests through app.inject. */
export function buildApp(opts: BuildAppOptions): FastifyInstance {
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: 256 * 1024 });

  // Keep bodies as raw bytes: the command signature is computed over them, and JSON parsing
  // happens in the route after verification. Any content type is accepted for the same reason.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof MediaNodeError) {
      if (error.status >= 500) request.log.warn({ code: error.code, err: error.message }, 'command failed');
      return reply.code(error.status).send({ error: { code: error.code, message: error.message } });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 413) {
      return reply.code(413).send({ error: { code: 'payload_too_large', message: 'request body too large' } });
    }
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return reply.code(400).send({ error: { code: 'bad_request', message: (error as Error).message } });
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.code(500).send({ error: { code: 'internal', message: 'internal error' } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } }),
  );

  void app.register(healthRoutes, { janusUp: opts.janusUp });
  void app.register(commandRoutes, { commands: opts.commands, nodeSecret: opts.nodeSecret, ...(opts.metrics ? { metrics: opts.metrics } : {}) });
  if (opts.metrics) void app.register(metricsRoutes, { metrics: opts.metrics });
  return app;
}
