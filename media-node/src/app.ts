/*
 * The sidecar's HTTP app in the fastify/demo layout: third-party concerns in plugins/external, the
 * media node's parts as decorations in plugins/app (fastify-plugin, typed with `declare module`),
 * the routes in routes/, and here the one error handler every route answers through.
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { MediaNodeError } from './errors.ts';
import type { NodeMetrics } from './metrics/node-metrics.ts';
import { controlPlaneSignaturePlugin } from './plugins/app/control-plane-signature.ts';
import { janusStatusPlugin } from './plugins/app/janus-status.ts';
import { mediaCommandsPlugin } from './plugins/app/media-commands.ts';
import { nodeMetricsPlugin } from './plugins/app/node-metrics.ts';
import { rawBodyPlugin } from './plugins/external/raw-body.ts';
import { commandRoutes } from './routes/commands.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import type { MediaCommands } from './sessions/media-commands.ts';

export interface BuildAppOptions {
  commands: MediaCommands;
  /** The control plane's pinned public key and this node's private key (see plugins/app/control-plane-signature.ts). */
  keys: { controlPlaneKey: CryptoKey; nodeKey: CryptoKey };
  janusUp: () => boolean;
  /** Times every command when given (GET /metrics is served by {@link buildMetricsApp}, never here). */
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
  '*.secret',
  '*.apiSecret',
  '*.adminKey',
  '*.JANUS_API_SECRET',
  '*.JANUS_ADMIN_KEY',
  '*.sdp',
];

/**
 * Every error answer is `{ error: { code, message } }`. A MediaNodeError carries its own status and a
 * message written to be shown (Janus's reason included, never a secret); anything else that is not
 * a client error is a 500 whose details stay in the log.
 */
function replyWithError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof MediaNodeError) {
    if (error.status >= 500) request.log.warn({ code: error.code, err: error.message }, 'command failed');
    return reply.code(error.status).send({ error: { code: error.code, message: error.message } });
  }
  const status = (error as { statusCode?: number }).statusCode;
  if (status === 413) {
    return reply.code(413).send({ error: { code: 'payload_too_large', message: 'request body too large' } });
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return reply.code(400).send({ error: { code: 'bad_request', message: error.message } });
  }
  request.log.error({ err: error }, 'unexpected error');
  return reply.code(500).send({ error: { code: 'internal', message: 'internal error' } });
}

/** Builds the sidecar's HTTP app (no listen): used by main.ts and by tests through app.inject. */
export function buildApp(opts: BuildAppOptions): FastifyInstance {
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: 256 * 1024 });

  void app.register(rawBodyPlugin);

  void app.register(mediaCommandsPlugin, { commands: opts.commands });
  void app.register(janusStatusPlugin, { janusUp: opts.janusUp });
  void app.register(nodeMetricsPlugin, { metrics: opts.metrics ?? null });
  void app.register(controlPlaneSignaturePlugin, opts.keys);

  app.setErrorHandler(replyWithError);
  answerNotFound(app);

  void app.register(healthRoutes);
  void app.register(commandRoutes);
  return app;
}

function answerNotFound(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } }),
  );
}

/**
 * The metrics listener (METRICS_HOST:METRICS_PORT, this host only by default): GET /metrics and
 * nothing else. Apart from the command listener, which must face the control plane, so a scrape
 * never needs that port opened and the command listener never shows the node's activity.
 */
export function buildMetricsApp(opts: { metrics: NodeMetrics; logger?: FastifyServerOptions['logger'] }): FastifyInstance {
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: 1024 });
  void app.register(nodeMetricsPlugin, { metrics: opts.metrics });
  app.setErrorHandler(replyWithError);
  answerNotFound(app);
  void app.register(metricsRoutes);
  return app;
}
