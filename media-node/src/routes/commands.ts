import type { FastifyPluginAsync } from 'fastify';
import { describeIssues, NODE_COMMANDS_PATH, NodeCommand } from '@vident/protocol';
import { MediaNodeError } from '../errors.ts';

/**
 * POST /v1/commands: one signed NodeCommand per request. The signature covers the raw body
 * bytes and the path+query exactly as received, so the body is parsed only after verifying.
 */
export const commandRoutes: FastifyPluginAsync = async (app) => {
  app.post(NODE_COMMANDS_PATH, async (request, reply) => {
    const raw = await app.verifyControlPlaneRequest(request);

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
      const result = await app.commands.execute(parsed.data);
      return reply.code(200).send(result);
    } catch (err) {
      outcome = err instanceof MediaNodeError ? err.code : 'internal';
      throw err;
    } finally {
      app.metrics?.observeCommand(parsed.data.type, outcome, Number(process.hrtime.bigint() - started) / 1e9);
    }
  });
};
