import fp from 'fastify-plugin';

/**
 * Keeps request bodies as raw bytes: the command signature is computed over them, and JSON parsing
 * happens in the route after verification. Any content type is accepted for the same reason.
 */
export const rawBodyPlugin = fp(
  async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  },
  { name: 'raw-body' },
);
