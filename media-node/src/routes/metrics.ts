import type { FastifyPluginAsync } from 'fastify';

/**
 * GET /metrics: Prometheus text exposition, unauthenticated, on the metrics listener only
 * (METRICS_HOST, see buildMetricsApp): it carries counts and timings, no session ids and no
 * secrets, yet tells who watches it how busy the node is. Absent (404) when the app has no metrics.
 */
export const metricsRoutes: FastifyPluginAsync = async (app) => {
  const metrics = app.metrics;
  if (!metrics) return;
  app.get('/metrics', async (_request, reply) => reply.header('content-type', metrics.contentType).send(await metrics.text()));
};
