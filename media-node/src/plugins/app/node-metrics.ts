import fp from 'fastify-plugin';
import type { NodeMetrics } from '../../metrics/node-metrics.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The sidecar's Prometheus metrics; null when the app serves none (tests). */
    metrics: NodeMetrics | null;
  }
}

/** Gives the routes the node's metrics (`app.metrics`), which time every command. */
export const nodeMetricsPlugin = fp(
  async (app, opts: { metrics: NodeMetrics | null }) => {
    app.decorate('metrics', opts.metrics);
  },
  { name: 'node-metrics' },
);
