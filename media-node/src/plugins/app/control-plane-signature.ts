import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { CONTROL_PLANE_KEY_ID, SIGNATURE_HEADERS, SIGNATURE_WINDOW_SECONDS, signAnswer, verifyRequest } from '@vident/protocol';
import { MediaNodeError } from '../../errors.ts';
import { SeenSignatures } from '../../control-plane/seen-signatures.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The request's raw body once its signature is the control plane's (over the body bytes and
     * the path+query exactly as received) and was not seen before; throws MediaNodeError 401
     * otherwise. The answer to a request that passes is signed by this node for that request.
     */
    verifyControlPlaneRequest(request: FastifyRequest): Promise<Buffer>;
  }
  interface FastifyRequest {
    /** The verified command's signature: what this node's answer is bound to. */
    controlPlaneSignature?: string;
  }
}

export interface ControlPlaneSignatureOptions {
  /** The control plane's pinned Ed25519 public key (CONTROL_PLANE_PUBLIC_KEY). */
  controlPlaneKey: CryptoKey;
  /** This node's Ed25519 private key: signs every answer to a verified command. */
  nodeKey: CryptoKey;
  now?: () => number;
}

/**
 * The control plane <-> node boundary on the node's side: commands verified against the pinned
 * control plane key, each signature accepted once within the window (a captured command cannot be
 * replayed), and each answer signed for the command it answers (X-Vident-Answer-Signature), so
 * nobody on the path can swap an SDP. The keys stay inside this plugin.
 */
export const controlPlaneSignaturePlugin = fp(
  async (app, opts: ControlPlaneSignatureOptions) => {
    const now = opts.now ?? Date.now;
    const seen = new SeenSignatures(SIGNATURE_WINDOW_SECONDS * 1000);
    app.decorateRequest('controlPlaneSignature', undefined);
    app.decorate('verifyControlPlaneRequest', async (request: FastifyRequest): Promise<Buffer> => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const header = (name: string) => {
        const value = request.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const verified = await verifyRequest({
        method: request.method,
        pathWithQuery: request.url,
        body: new Uint8Array(raw),
        header,
        secretFor: (keyId) => (keyId === CONTROL_PLANE_KEY_ID ? opts.controlPlaneKey : undefined),
        now: now(),
      });
      if (!verified.ok) throw new MediaNodeError(verified.code, verified.message, 401);
      // Verified: 128 hex digits (Ed25519), so lowercasing names the same signature.
      const signature = (header(SIGNATURE_HEADERS.signature) ?? '').toLowerCase();
      if (!seen.claim(signature, now())) throw new MediaNodeError('request_replayed', 'this command was already received', 401);
      request.controlPlaneSignature = signature;
      return raw;
    });
    app.addHook('onSend', async (request, reply, payload) => {
      if (request.controlPlaneSignature === undefined) return payload;
      const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : '';
      const bytes = typeof body === 'string' ? body : new Uint8Array(body);
      reply.header(SIGNATURE_HEADERS.answerSignature, await signAnswer(opts.nodeKey, request.controlPlaneSignature, reply.statusCode, bytes));
      return payload;
    });
  },
  { name: 'control-plane-signature' },
);
