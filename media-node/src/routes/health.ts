import type { FastifyPluginAsync } from 'fastify';

/** GET /health: unauthenticated liveness for probes and the lead's scripts. */
export const healthRoutes: FastifyPluginAsync<{ janusUp: () => boolean }> = async (app, opts) => {
  app.get('/health', async () => ({ ok: true, janusUp: opts.janusUp() }));
};
