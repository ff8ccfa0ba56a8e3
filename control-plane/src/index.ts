import { useEnglishIssueMessages } from '@vident/protocol';
import { app } from './api/app.ts';
import type { Env } from './base/env.ts';

export { AgentDesk } from './desk/agent-desk.ts';
export { IdempotencyLedger } from './api/idempotency-ledger.ts';
export { MediaNodeRegistry } from './fleet/media-node-registry.ts';
export { ReplayGuard } from './base/replay-guard.ts';
export { SessionDirectory } from './session/session-directory.ts';
export { VerificationSession } from './session/verification-session.ts';

useEnglishIssueMessages();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
