import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** Whether the sidecar holds a working connection to Janus right now. */
    janusUp: () => boolean;
  }
}

/** Gives the routes the Janus connection's state (`app.janusUp()`). */
export const janusStatusPlugin = fp(
  async (app, opts: { janusUp: () => boolean }) => {
    app.decorate('janusUp', opts.janusUp);
  },
  { name: 'janus-status' },
);
