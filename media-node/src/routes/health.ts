import type { FastifyPluginAsync } from 'fastify';

/** GET /health: unauthenticated liveness for probes and the lead's scripts. */
export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/health', async () => ({ ok: true, janusUp: app.janusUp() }));
};
