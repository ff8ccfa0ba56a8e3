import { app } from './app.ts';
import type { Env } from './env.ts';

export { AgentDesk } from './durable-objects/agent-desk.ts';
export { IdempotencyLedger } from './durable-objects/idempotency-ledger.ts';
export { MediaNodeRegistry } from './durable-objects/media-node-registry.ts';
export { ReplayGuard } from './durable-objects/replay-guard.ts';
export { SessionDirectory } from './durable-objects/session-directory.ts';
export { VerificationSession } from './durable-objects/verification-session.ts';

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
