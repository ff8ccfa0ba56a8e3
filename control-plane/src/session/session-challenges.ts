import type { ChallengeAction, ChallengeId, ChallengeResult, ErrorCode, Role } from '@vident/protocol';
import { log } from '../base/log.ts';
import type { ConductContext } from './conduct-context.ts';
import { issuedAuditDetail, issueStep, resultAuditDetail, resultStep } from './liveness-challenges.ts';
import { PARTICIPANT_ACTORS } from './session-limits.ts';

/*
 * Liveness challenges (issue 15) as the session conducts them: issues (draws with the CSPRNG, or the
 * agent's chosen action), keeps them on the record, audits `challenge.issued` / `challenge.result`
 * and tells the pages: `challenge` to both, `challenge-recorded` to the agent, `challenge-ended` to
 * the customer. The rules are pure (liveness-challenges.ts). Holds no state of its own.
 */
export class SessionChallenges {
  constructor(private readonly ctx: ConductContext) {}

  /** The agent's `challenge-start`: a random draw of 2-3 actions, or the one it chose. */
  async start(role: Role, request: { action?: ChallengeAction; replaces?: ChallengeId }, from: string | null): Promise<void> {
    const r = this.ctx.record;
    const step = issueStep(r, role, request, new Date(this.ctx.ports.now()).toISOString());
    if (!step.ok) return this.refuse(role, step.code, step.message);
    if (await this.rowsSpent()) return this.refuse(role, 'limit_reached', "the session's audit trail is full");
    r.challenges = [...(r.challenges ?? []), ...step.issued];
    await this.ctx.ports.save(r);
    // Audited before either page hears of it: what was asked of the customer is always in the trail.
    for (const c of step.issued) await this.ctx.ports.audit({ actor: role, action: 'challenge.issued', detail: issuedAuditDetail(c), from });
    log('challenges_issued', { sessionId: r.sessionId, count: step.issued.length, origin: step.issued[0]?.origin });
    for (const c of step.issued) {
      for (const to of ['agent', 'customer'] as const) this.ctx.ports.send(to, { type: 'challenge', id: c.id, action: c.action, issuedAt: c.issuedAt });
    }
  }

  /** The agent's page measured a challenge: kept, audited, confirmed to the agent, closed on the customer's page. */
  async result(role: Role, result: ChallengeResult, from: string | null): Promise<void> {
    const r = this.ctx.record;
    const step = resultStep(r, role, result, new Date(this.ctx.ports.now()).toISOString());
    if (!step.ok) return this.refuse(role, step.code, step.message);
    if (await this.rowsSpent()) return this.refuse(role, 'limit_reached', "the session's audit trail is full");
    r.challenges = (r.challenges ?? []).map((c) => (c.id === step.challenge.id ? step.challenge : c));
    await this.ctx.ports.save(r);
    await this.ctx.ports.audit({ actor: role, action: 'challenge.result', detail: resultAuditDetail(step.challenge), from });
    log('challenge_result', { sessionId: r.sessionId, action: step.challenge.action, outcome: step.challenge.result?.outcome });
    this.ctx.ports.send('agent', { type: 'challenge-recorded', challenge: step.challenge });
    this.ctx.ports.send('customer', { type: 'challenge-ended', id: step.challenge.id });
  }

  private async rowsSpent(): Promise<boolean> {
    return (await this.ctx.ports.auditRows({ actors: PARTICIPANT_ACTORS })) >= this.ctx.ports.limits().participantAuditRows;
  }

  private refuse(role: Role, code: ErrorCode, message: string): void {
    this.ctx.ports.send(role, { type: 'error', code, message });
  }
}
