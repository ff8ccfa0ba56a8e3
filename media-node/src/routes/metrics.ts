import type { FastifyPluginAsync } from 'fastify';
import type { NodeMetrics } from '../metrics/node-metrics.ts';

/**
 * GET /metrics: Prometheus text exposition, unauthenticated like /health and on the same listener
 * (SIDECAR_HOST): it carries counts and timings, no session ids and no secrets.
 */
export const metricsRoutes: FastifyPluginAsync<{ metrics: NodeMetrics }> = async (app, opts) => {
  app.get('/metrics', async (_request, reply) => reply.header('content-type', opts.metrics.contentType).send(await opts.metrics.text()));
};
