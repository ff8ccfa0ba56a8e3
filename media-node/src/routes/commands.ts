import type { FastifyPluginAsync } from 'fastify';
import { CONTROL_PLANE_KEY_ID, describeIssues, NODE_COMMANDS_PATH, NodeCommand, verifyRequest } from '@vident/protocol';
import { MediaNodeError } from '../errors.ts';
import type { NodeMetrics } from '../metrics/node-metrics.ts';
import type { MediaCommands } from '../sessions/media-commands.ts';

export interface CommandRoutesOptions {
  commands: MediaCommands;
  nodeSecret: string;
  metrics?: NodeMetrics;
}

/**
 * POST /v1/commands: one signed NodeCommand per request. The signature covers the raw body
 * bytes and the path+query exactly as received, so the body is parsed only after verifying.
 */
export const commandRoutes: FastifyPluginAsync<CommandRoutesOptions> = async (app, opts) => {
  app.post(NODE_COMMANDS_PATH, async (request, reply) => {
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

    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new MediaNodeError('invalid_json', 'body is not valid JSON', 400);
    }
    const parsed = NodeCommand.safeParse(json);
    if (!parsed.success) throw new MediaNodeError('validation_failed', describeIssues(parsed.error), 400);

    // Timed from here: refused requests are not commands and would only skew the latencies.
    const started = process.hrtime.bigint();
    let outcome = 'ok';
    try {
      const result = await opts.commands.execute(parsed.data);
      return reply.code(200).send(result);
    } catch (err) {
      outcome = err instanceof MediaNodeError ? err.code : 'internal';
      throw err;
    } finally {
      opts.metrics?.observeCommand(parsed.data.type, outcome, Number(process.hrtime.bigint() - started) / 1e9);
    }
  });
};
