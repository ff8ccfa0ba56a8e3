import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { CONTROL_PLANE_KEY_ID, verifyRequest } from '@vident/protocol';
import { MediaNodeError } from '../../errors.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The request's raw body once its signature is the control plane's (over the body bytes and
     * the path+query exactly as received); throws MediaNodeError 401 otherwise.
     */
    verifyControlPlaneRequest(request: FastifyRequest): Promise<Buffer>;
  }
}

/** Verifies the control plane's request signatures with NODE_SECRET, which stays inside this plugin. */
export const controlPlaneSignaturePlugin = fp(
  async (app, opts: { nodeSecret: string }) => {
    app.decorate('verifyControlPlaneRequest', async (request: FastifyRequest): Promise<Buffer> => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const verified = await verifyRequest({
        method: request.method,
        pathWithQuery: request.url,
        body: new Uint8Array(raw),
        header: (name) => {
          const value = request.headers[name];
          return Array.isArray(value) ? value[0] : value;
        },
        secretFor: (keyId) => (keyId === CONTROL_PLANE_KEY_ID ? opts.nodeSecret : undefined),
      });
      if (!verified.ok) throw new MediaNodeError(verified.code, verified.message, 401);
      return raw;
    });
  },
  { name: 'control-plane-signature' },
);
