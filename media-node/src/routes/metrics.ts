import type { FastifyPluginAsync } from 'fastify';

/**
 * GET /metrics: Prometheus text exposition, unauthenticated like /health and on the same listener
 * (SIDECAR_HOST): it carries counts and timings, no session ids and no secrets. Absent (404) when
 * the app has no metrics.
 */
export const metricsRoutes: FastifyPluginAsync = async (app) => {
  const metrics = app.metrics;
  if (!metrics) return;
  app.get('/metrics', async (_request, reply) => reply.header('content-type', metrics.contentType).send(await metrics.text()));
};
