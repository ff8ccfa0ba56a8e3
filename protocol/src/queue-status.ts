import * as z from 'zod/mini';

/**
 * What the customer's waiting room shows while no agent is in (the ServerMessage `queue`, relayed
 * by the session from the agents' desk). Its own module: signaling.ts must not import the desk's
 * schemas, which import the node API, which imports signaling.ts.
 */
export const QueueStatus = z.object({
  position: z.int().check(z.positive()),
  /** position x average handle time of recent calls / agents online; null when there is no basis. */
  estimateSeconds: z.nullable(z.int().check(z.nonnegative())),
  agentsOnline: z.int().check(z.nonnegative()),
});
export type QueueStatus = z.infer<typeof QueueStatus>;
