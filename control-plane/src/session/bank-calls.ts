import { isTerminalState, type AuditTrail, type SessionOneTimeCode, type BankCheckAccepted, type BankCheckRequest, type SessionDocument, type UpdateSessionRequest } from '@vident/protocol';
import type { Caller } from '../base/caller.ts';
import type { Failure } from '../base/http-error.ts';
import { loadConfig } from '../base/config.ts';
import { registryStub } from '../base/env.ts';
import { REPLAYED_MESSAGE, replayClaimed } from '../base/replay-guard.ts';
import { openCode } from './one-time-code.ts';
import { log } from '../base/log.ts';
import { actorOf } from './audit-input.ts';
import { bankCheckStep } from './document-review.ts';
import type { SessionCore } from './session-core.ts';
import { failure } from './session-failure.ts';
import { newSessionRecord } from './session-record.ts';
import type { AuditResult, BankSessionRpc, CheckResult, CreatedResult, DocumentResult, OneTimeCodeResult, SessionCreation, ViewResult } from './session-rpc.ts';
import { nextAlarm } from './session-timers.ts';

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** A singleton's failure during creation: logged here, answered as an internal error, nothing stored. */
function notCreated(sessionId: string, step: 'replay_claim' | 'placement', reason: unknown): Failure {
  log('session_create_failed', { sessionId, step, message: errorText(reason) });
  return failure('internal', 'internal error');
}

/** The bank API's calls on a session: create, read, patch, cancel, and its audit trail. Each is audited. */
export class BankCalls implements BankSessionRpc {
  constructor(private readonly core: SessionCore) {}

  async init(input: SessionCreation, caller?: Caller): Promise<CreatedResult> {
    return this.core.serialized(async () => {
      if (this.core.conduct) return failure('conflict', 'session already exists');
      const { region, replay, ...fields } = input;
      const registry = registryStub(this.core.env);
      // Both round trips at once; nothing is stored before both answered yes.
      const [placing, claiming] = await Promise.allSettled([
        registry.place(input.sessionId, input.createdAt, region),
        replay ? replayClaimed(this.core.env, replay) : Promise.resolve(true),
      ]);
      const placement = placing.status === 'fulfilled' ? placing.value : null;
      const claimed = claiming.status === 'fulfilled' && claiming.value;
      // A slot that may have been taken and will not be used is freed (release is idempotent).
      if ((placement && !claimed) || placing.status === 'rejected') {
        await registry.release(input.sessionId).catch((err: unknown) => log('node_release_failed', { sessionId: input.sessionId, message: errorText(err) }));
      }
      // A refused replay claim wins over what the placement did.
      if (claiming.status === 'rejected') return notCreated(input.sessionId, 'replay_claim', claiming.reason);
      if (!claiming.value) return failure('request_replayed', REPLAYED_MESSAGE);
      if (placing.status === 'rejected') return notCreated(input.sessionId, 'placement', placing.reason);
      if (!placement) {
        log('session_refused', { reason: 'no_media_node' });
        return failure('no_media_node', 'no live, undrained media node with Janus up has a free slot');
      }
      const conduct = await this.core.create(newSessionRecord({ ...fields, nodeId: placement.nodeId, nodeUrl: placement.url }));
      // The directory's row is written while the audit entry is (publish never throws: a failed
      // write is retried from the alarm).
      const published = this.core.publish(conduct.record);
      await this.core.appendAudit({
        actor: actorOf(caller),
        action: 'session.created',
        detail: {
          externalRef: input.request.externalRef,
          nodeId: placement.nodeId,
          record: input.request.record,
          linkExpiresAt: conduct.record.linkExpiresAt,
          expiresAt: conduct.record.expiresAt,
          ...(conduct.record.oneTimeCodeRequired ? { oneTimeCode: 'required' } : {}),
        },
        from: caller?.from ?? null,
      });
      // Armed in the same turn as the record and audit writes, so the three are one commit; a failed
      // directory write arms its retry itself.
      await this.core.setAlarm(nextAlarm(conduct.record));
      await published;
      log('session_created', { sessionId: input.sessionId, nodeId: placement.nodeId });
      return { ok: true, nodeId: placement.nodeId };
    });
  }

  async get(caller?: Caller): Promise<ViewResult> {
    return this.core.withSession(async (conduct) => {
      await this.audited(caller, 'api.session.get');
      return { ok: true, view: this.core.view(conduct.record) };
    });
  }

  async update(patch: UpdateSessionRequest, caller?: Caller): Promise<ViewResult> {
    return this.core.withSession(async ({ record: r }) => {
      await this.audited(caller, 'api.session.update', { fields: Object.keys(patch).sort() });
      if (isTerminalState(r.state)) return failure('session_ended', 'the session has ended');
      if (patch.customerName !== undefined) r.customerName = patch.customerName;
      if (patch.metadata !== undefined) r.metadata = patch.metadata;
      await this.core.saveAndPublish(r);
      return { ok: true, view: this.core.view(r) };
    });
  }

  async remove(caller?: Caller): Promise<ViewResult> {
    return this.core.withSession(async (conduct) => {
      await this.audited(caller, 'api.session.delete');
      await conduct.end({ type: 'cancel', by: 'bank' }, actorOf(caller), caller?.from ?? null);
      return { ok: true, view: this.core.view(conduct.record) };
    });
  }

  async audit(caller?: Caller): Promise<AuditResult> {
    return this.core.withSession(async (conduct) => {
      await this.audited(caller, 'api.audit.get');
      const { entries, head, purged } = await this.core.auditLog.entries();
      const trail: AuditTrail = { sessionId: conduct.record.sessionId, entries, head, ...(purged ? { purged } : {}) };
      return { ok: true, json: JSON.stringify(trail) };
    });
  }

  async document(caller?: Caller): Promise<DocumentResult> {
    return this.core.withSession(async ({ record: r }) => {
      await this.audited(caller, 'api.document.get', { found: r.document !== undefined });
      if (!r.document) return failure('not_found', 'no document has been confirmed in this session yet');
      const answer: SessionDocument = { sessionId: r.sessionId, document: r.document, checks: r.bankChecks ?? [] };
      return { ok: true, json: JSON.stringify(answer) };
    });
  }

  /** Stores the bank's check, audits it and shows it to the agent at once (a required one unlocks approval). */
  async addCheck(request: BankCheckRequest, caller?: Caller): Promise<CheckResult> {
    return this.core.withSession(async ({ record: r }) => {
      if (r.evidence.purgedAt) return failure('session_ended', "the session's records were purged at retention's end");
      const step = bankCheckStep(r, request, new Date().toISOString());
      if (!step.ok) return step;
      r.bankChecks = [...(r.bankChecks ?? []), step.check];
      await this.core.saveAndPublish(r);
      await this.audited(caller, 'bank.check', { kind: step.check.kind, result: step.check.result, reference: step.check.reference });
      this.core.sockets.send('agent', { type: 'bank-check', check: step.check });
      log('bank_check', { sessionId: r.sessionId, kind: step.check.kind, result: step.check.result });
      const answer: BankCheckAccepted = { sessionId: r.sessionId, check: step.check, checks: r.bankChecks };
      return { ok: true, answer };
    });
  }

  /**
   * The one-time code for the bank to deliver to the customer's phone, while it is open (issued and
   * neither verified, failed nor expired). Audited with its result, never the code.
   */
  async oneTimeCode(caller?: Caller): Promise<OneTimeCodeResult> {
    return this.core.withSession(async (conduct) => {
      const r = conduct.record;
      if (r.oneTimeCode) await conduct.procedure.expireIfDue();
      const code = r.oneTimeCode;
      const status = !r.oneTimeCodeRequired ? 'not_required' : !code ? 'not_issued' : code.status;
      const plain = code?.status === 'pending' ? await openCode(loadConfig(this.core.env).tokenSecret, r.sessionId, code) : null;
      await this.audited(caller, 'api.one_time_code.get', { result: plain !== null ? 'delivered' : status });
      if (!r.oneTimeCodeRequired) return failure('not_found', 'this session asks for no one-time code');
      if (!code) return failure('not_found', 'the one-time code is issued when the call starts (webhook session.code_issued)');
      if (plain === null) return failure('one_time_code_closed', `the one-time code is ${code.status}${code.failure ? ` (${code.failure})` : ''}`);
      const answer: SessionOneTimeCode = { sessionId: r.sessionId, code: plain, issuedAt: code.issuedAt, expiresAt: code.expiresAt };
      return { ok: true, json: JSON.stringify(answer) };
    });
  }

  /** Records the call itself first: reading the session is audited too. */
  private audited(caller: Caller | undefined, action: string, detail: Record<string, unknown> = {}): Promise<void> {
    return this.core.appendAudit({ actor: actorOf(caller), action, detail, from: caller?.from ?? null });
  }
}
