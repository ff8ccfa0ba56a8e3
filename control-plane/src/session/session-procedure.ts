import type { AbortReason, DocumentType, ErrorCode, Role } from '@vident/protocol';
import { log } from '../base/log.ts';
import type { ConductContext } from './conduct-context.ts';
import { codeView, enterCode, expireCode, issueCode } from './one-time-code.ts';
import { featureDraw } from './security-feature-draw.ts';

/*
 * The regulated procedure's controls a session enforces (issue 15) as they happen: the security
 * features drawn once the document type is known, the one-time code issued when the call starts and
 * entered by the customer, and the agent aborting the identification for a procedure reason. The
 * rules are pure (security-feature-draw.ts, one-time-code.ts); this stores, audits, tells the pages
 * and the bank. Holds no state of its own: every instance works on the one record.
 */
export class SessionProcedure {
  constructor(private readonly ctx: ConductContext) {}

  /**
   * The agent confirmed a document of `type`: draws the session's security features (once per type),
   * audits which were drawn and shows them to both pages (checklist items to the agent, how to show
   * them to the customer).
   */
  async documentTyped(type: DocumentType, from: string | null): Promise<void> {
    const r = this.ctx.record;
    const { securityFeatures, featuresPerSession } = this.ctx.ports.procedure();
    const drawn = featureDraw(r.securityFeatures, securityFeatures, featuresPerSession, type, new Date(this.ctx.ports.now()).toISOString());
    if (drawn === null) return;
    const replaced = r.securityFeatures?.documentType;
    r.securityFeatures = drawn;
    await this.ctx.ports.save(r);
    await this.ctx.ports.audit({
      actor: 'system',
      action: 'security_features.drawn',
      detail: {
        documentType: drawn.documentType,
        features: drawn.features.map((f) => f.id),
        categories: drawn.features.map((f) => f.category),
        ...(replaced !== undefined ? { replaces: replaced } : {}),
      },
      from,
    });
    log('security_features_drawn', { sessionId: r.sessionId, documentType: drawn.documentType, count: drawn.features.length });
    for (const role of ['agent', 'customer'] as const) this.ctx.ports.send(role, { type: 'security-features', features: drawn });
  }

  /**
   * The call is on: a session that asks for a one-time code makes it now (once), audits that it did
   * (never the code), tells the bank by `session.code_issued` and both pages that a code is due.
   */
  async callStarted(): Promise<void> {
    const r = this.ctx.record;
    if (!r.oneTimeCodeRequired || r.oneTimeCode !== undefined || r.state !== 'in_call') return;
    const { codeSecret, oneTimeCodeTtlMs } = this.ctx.ports.procedure();
    const { stored } = await issueCode(codeSecret, r.sessionId, this.ctx.ports.now(), oneTimeCodeTtlMs);
    r.oneTimeCode = stored;
    await this.ctx.ports.save(r);
    await this.ctx.ports.audit({ actor: 'system', action: 'code.issued', detail: { expiresAt: stored.expiresAt } });
    this.ctx.ports.webhook('session.code_issued');
    log('code_issued', { sessionId: r.sessionId });
    this.tellCode();
  }

  /** The customer typed the code: checked, audited (the result, never the digits) and shown to both pages. */
  async codeEntered(role: Role, code: string, from: string | null): Promise<void> {
    const r = this.ctx.record;
    if (role !== 'customer') return this.refuse(role, 'forbidden', 'only the customer enters the one-time code');
    if (!r.oneTimeCode) return this.refuse(role, 'one_time_code_closed', 'this session has no one-time code open');
    const { codeSecret } = this.ctx.ports.procedure();
    const entry = await enterCode(codeSecret, r.sessionId, r.oneTimeCode, code, this.ctx.ports.now());
    if (!entry.ok) {
      if (entry.expired) await this.codeClosed('code.expired');
      return this.refuse(role, entry.code, entry.message);
    }
    await this.ctx.ports.save(r);
    const action = entry.result === 'verified' ? 'code.verified' : entry.result === 'failed' ? 'code.failed' : 'code.rejected';
    await this.ctx.ports.audit({ actor: role, action, detail: { attempts: r.oneTimeCode.attempts, status: r.oneTimeCode.status }, from });
    log('code_entered', { sessionId: r.sessionId, result: entry.result });
    this.tellCode();
  }

  /** The agent aborts the identification: ends `decided`, rejected with the reason, marked aborted. */
  async abort(role: Role, reason: AbortReason, note: string, from: string | null): Promise<void> {
    if (role !== 'agent') return this.refuse(role, 'forbidden', 'only the agent may abort the identification');
    // Like a decision: only during the call (before it the lifecycle would refuse, after the audit row).
    if (this.ctx.record.state !== 'in_call') return this.refuse(role, 'invalid_transition', 'an identification can be aborted only during the call');
    await this.ctx.ports.audit({ actor: role, action: 'session.aborted', detail: { reason }, from });
    const out = await this.ctx.lifecycle.end({ type: 'decide', decision: 'rejected', reasonCodes: [reason], note, checklist: {}, aborted: true }, role, from);
    if (!out.ok) this.refuse(role, out.code, out.message);
  }

  /** A pending code past its time fails (the bank's fetch and the approval gate ask). True when it changed. */
  async expireIfDue(): Promise<boolean> {
    const r = this.ctx.record;
    if (!r.oneTimeCode || !expireCode(r.oneTimeCode, this.ctx.ports.now())) return false;
    await this.codeClosed('code.expired');
    return true;
  }

  private async codeClosed(action: string): Promise<void> {
    const r = this.ctx.record;
    await this.ctx.ports.save(r);
    await this.ctx.ports.audit({ actor: 'system', action, detail: { attempts: r.oneTimeCode!.attempts, status: r.oneTimeCode!.status } });
    this.tellCode();
  }

  private tellCode(): void {
    const code = this.ctx.record.oneTimeCode;
    if (!code) return;
    for (const role of ['agent', 'customer'] as const) this.ctx.ports.send(role, { type: 'one-time-code', code: codeView(code) });
  }

  private refuse(role: Role, code: ErrorCode, message: string): void {
    this.ctx.ports.send(role, { type: 'error', code, message });
  }
}
