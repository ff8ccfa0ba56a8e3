import { FunnelReport, RECORDING_CONSENT_VERSION, type CreateSessionResponse } from '@vident/protocol';
import { runDurableObjectAlarm, runInDurableObject, SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FUNNEL_CSV_COLUMNS } from '../src/reports/funnel-csv.ts';
import { signIn } from './desk-helpers.ts';
import {
  createSession,
  eventually,
  fullChecklist,
  giveConsent,
  installFakeNode,
  moveDeadlines,
  ORIGIN,
  Participant,
  registerNode,
  sessionStub,
  signedFetch,
  startCall,
  tokenOf,
} from './helpers.ts';
import { participantPost, PROBE_OFFER } from './page-requests.ts';

/*
 * The verification funnel end to end inside workerd: a scripted set of sessions, each ending at
 * another step, read back through the signed bank API (JSON and CSV) and the supervisor's desk route.
 * Other files' sessions share the directory: this file's sessions are told apart by their desk agent
 * ids (set on the record, as an assignment would), unique to the run.
 */

installFakeNode();
const run = crypto.randomUUID().slice(0, 8);
const AGENT_A = `funnel-a-${run}`;
const AGENT_B = `funnel-b-${run}`;
const today = new Date().toISOString().slice(0, 10);

afterEach(() => Participant.closeAll());

async function session(agentId = AGENT_A): Promise<CreateSessionResponse> {
  const s = await createSession({ customerName: '김민지', externalRef: `reference-${run}` });
  await moveDeadlines(s.sessionId, (r) => (r.agent = { id: agentId, name: '박상담' }));
  return s;
}

function precheck(s: CreateSessionResponse, event: string): Promise<Response> {
  return participantPost(s.sessionId, 'precheck', tokenOf(s.customerUrl), { event });
}

async function expireLink(s: CreateSessionResponse): Promise<void> {
  await moveDeadlines(s.sessionId, (r) => (r.linkExpiresAt = new Date(Date.now() - 1).toISOString()));
  await runDurableObjectAlarm(sessionStub(s.sessionId));
}

async function ended(s: CreateSessionResponse, state: string): Promise<void> {
  await eventually(async () => {
    const view = (await (await signedFetch('GET', `/v1/sessions/${s.sessionId}`)).json()) as { state: string };
    expect(view.state).toBe(state);
  });
}

async function funnel(query: string): Promise<FunnelReport> {
  const res = await signedFetch('GET', `/v1/reports/funnel?${query}`);
  expect(res.status).toBe(200);
  return FunnelReport.parse(await res.json());
}

beforeAll(async () => {
  await registerNode('node-funnel');

  // 1. Created only: nobody opened the link; it expires.
  await expireLink(await session());

  // 2. Link opened (the landing page said so, twice: a reload), then nothing: it expires.
  const opened = await session();
  expect((await precheck(opened, 'link_opened')).status).toBe(204);
  expect((await precheck(opened, 'link_opened')).status).toBe(204);
  await expireLink(opened);

  // 3. The camera permission refused in the pre-call check; the bank gives up on it.
  const refused = await session();
  expect((await precheck(refused, 'link_opened')).status).toBe(204);
  expect((await precheck(refused, 'permission_refused')).status).toBe(204);
  expect((await signedFetch('DELETE', `/v1/sessions/${refused.sessionId}`)).status).toBe(200);

  // 3b. The network check failed (the page's probe report); the bank gives up on it.
  const unreachable = await session();
  const probed = await participantPost(unreachable.sessionId, 'probe', tokenOf(unreachable.customerUrl), { sdp: PROBE_OFFER });
  expect(probed.status).toBe(200);
  const { probeId } = (await probed.json()) as { probeId: string };
  const reported = await participantPost(unreachable.sessionId, `probe/${probeId}/result`, tokenOf(unreachable.customerUrl), { result: 'fail', failure: 'timeout' });
  expect(reported.status).toBe(204);
  expect((await signedFetch('DELETE', `/v1/sessions/${unreachable.sessionId}`)).status).toBe(200);

  // 4. Joined, declined the recording consent.
  const declined = await session();
  const decliner = await Participant.join(declined.sessionId, declined.customerUrl);
  await decliner.next('welcome');
  decliner.send({ type: 'consent', version: RECORDING_CONSENT_VERSION, accepted: false });
  await decliner.next('session-ended');

  // 5. Queued (consented), then left the queue.
  const left = await session();
  const leaver = await Participant.join(left.sessionId, left.customerUrl);
  await leaver.next('welcome');
  await giveConsent(leaver, left.sessionId);
  leaver.send({ type: 'hang-up' });
  await leaver.next('session-ended');

  // 6. In the call, then the agent never came back: abandoned.
  const dropped = await session();
  const call = await startCall(dropped);
  call.agent.close();
  await call.customer.next('peer-left');
  await moveDeadlines(dropped.sessionId, (r) => (r.participants.agent.graceEndsAt = Date.now() - 1));
  await runDurableObjectAlarm(sessionStub(dropped.sessionId));
  await ended(dropped, 'abandoned');

  // 7. Queued until the session's time ran out: expired.
  const waited = await session();
  const waiter = await Participant.join(waited.sessionId, waited.customerUrl);
  await waiter.next('welcome');
  await giveConsent(waiter, waited.sessionId);
  await moveDeadlines(waited.sessionId, (r) => (r.expiresAt = new Date(Date.now() - 1).toISOString()));
  await runDurableObjectAlarm(sessionStub(waited.sessionId));
  await waiter.next('session-ended');

  // 8. Approved, by another agent.
  const ok = await session(AGENT_B);
  const okCall = await startCall(ok);
  okCall.agent.send({ type: 'decide', decision: 'approved', reasonCodes: [], note: '', checklist: fullChecklist() });
  await okCall.customer.next('session-ended');

  // 9. Rejected with reason codes.
  const no = await session();
  const noCall = await startCall(no);
  noCall.agent.send({ type: 'decide', decision: 'rejected', reasonCodes: ['ID_MISMATCH', 'SUSPECTED_FRAUD'], note: '사진 불일치' });
  await noCall.customer.next('session-ended');
});

describe('the verification funnel', () => {
  it('counts each step reached and each stop reason (JSON, one agent)', async () => {
    const report = await funnel(`from=${today}&to=${today}&agent=${AGENT_A}`);
    expect(report).toMatchObject({ from: today, to: today, agent: AGENT_A });
    expect(report.total.sessions).toBe(9);
    expect(report.total.reached).toEqual({ created: 9, link_opened: 8, precheck_passed: 5, consent_given: 4, queued: 4, in_call: 2, decided: 1 });
    expect(report.total.stopped).toEqual({
      permission_refused: 1,
      network_check_failed: 1,
      consent_declined: 1,
      left_queue: 1,
      abandoned: 1,
      expired: 3,
      cancelled_by_bank: 0,
      cancelled_by_agent: 0,
      failed: 0,
    });
    expect(report.total).toMatchObject({ approved: 0, rejected: 1, approvalRate: 0, rejectionRate: 1 });
    expect(report.total.rejectionReasons).toEqual([
      { code: 'ID_MISMATCH', count: 1 },
      { code: 'SUSPECTED_FRAUD', count: 1 },
    ]);
    expect(report.total.waitSeconds.count).toBe(2);
    expect(report.total.callSeconds.count).toBe(2);
    expect(report.days.map((d) => d.day)).toEqual([today]);
    expect(report.agents.map((a) => a.agentId)).toEqual([AGENT_A]);
    // No names, references or notes: ids and figures only.
    expect(JSON.stringify(report)).not.toMatch(new RegExp(`김민지|박상담|사진|reference-${run}`));
  });

  it('lists every agent without the filter, and the other agent alone with it', async () => {
    const all = await funnel(`from=${today}&to=${today}`);
    const ids = all.agents.map((a) => a.agentId);
    expect(ids).toContain(AGENT_A);
    expect(ids).toContain(AGENT_B);
    expect(all.total.sessions).toBeGreaterThanOrEqual(10);
    const b = await funnel(`from=${today}&to=${today}&agent=${AGENT_B}`);
    expect(b.total).toMatchObject({ sessions: 1, approved: 1, rejected: 0, approvalRate: 1 });
    expect(b.total.reached.decided).toBe(1);
    // A day range without sessions of the agent is empty, not an error.
    expect((await funnel(`from=2020-01-01&to=2020-01-31&agent=${AGENT_A}`)).total.sessions).toBe(0);
  });

  it('as CSV: the same counts in a row for the day and agent, and a total', async () => {
    const res = await signedFetch('GET', `/v1/reports/funnel?from=${today}&to=${today}&agent=${AGENT_A}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="vident-funnel-${today}-${today}.csv"`);
    const [header, ...rows] = (await res.text()).trimEnd().split('\r\n');
    expect(header!.split(',')).toEqual([...FUNNEL_CSV_COLUMNS]);
    const record = (line: string) => Object.fromEntries(line.split(',').map((v, i) => [FUNNEL_CSV_COLUMNS[i], v]));
    const [row, total] = rows.map(record);
    expect(rows).toHaveLength(2);
    const expected = {
      sessions: '9',
      reached_created: '9',
      reached_link_opened: '8',
      reached_precheck_passed: '5',
      reached_consent_given: '4',
      reached_queued: '4',
      reached_in_call: '2',
      reached_decided: '1',
      stopped_permission_refused: '1',
      stopped_network_check_failed: '1',
      stopped_consent_declined: '1',
      stopped_left_queue: '1',
      stopped_abandoned: '1',
      stopped_expired: '3',
      approved: '0',
      rejected: '1',
      rejection_rate: '1',
      rejection_reasons: 'ID_MISMATCH:1;SUSPECTED_FRAUD:1',
    };
    expect(row).toMatchObject({ day: today, agent_id: AGENT_A, ...expected });
    expect(total).toMatchObject({ day: 'total', agent_id: AGENT_A, ...expected });
  });

  it('refuses bad queries, unsigned requests, and the pre-call signal of an ended session', async () => {
    for (const q of [`from=${today}`, 'from=2026-12-02&to=2026-12-01', 'from=2024-01-01&to=2026-01-01', `from=${today}&to=${today}&format=xml`, `from=${today}&to=${today}&agent=a%20b`, `from=${today}&to=${today}&extra=1`]) {
      const res = await signedFetch('GET', `/v1/reports/funnel?${q}`);
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    }
    expect((await SELF.fetch(`${ORIGIN}/v1/reports/funnel?from=${today}&to=${today}`)).status).toBe(401);
    const s = await createSession();
    expect((await precheck(s, 'camera_exploded')).status).toBe(400);
    await expireLink(s);
    const late = await precheck(s, 'link_opened');
    expect(late.status).toBe(409);
    expect(((await late.json()) as { error: { code: string } }).error.code).toBe('session_ended');
    expect((await participantPost(s.sessionId, 'precheck', tokenOf(s.agentUrl), { event: 'link_opened' })).status).toBe(403);
  });

  it('serves supervisors (not agents) on the desk route, with the same figures', async () => {
    const supervisor = await signIn({ agentId: `sup-${run}`, name: 'Supervisor', role: 'supervisor' });
    const res = await SELF.fetch(`${ORIGIN}/v1/desk/funnel?from=${today}&to=${today}&agent=${AGENT_A}`, { headers: { authorization: `Bearer ${supervisor.token}` } });
    expect(res.status).toBe(200);
    const report = FunnelReport.parse(await res.json());
    expect(report.total.sessions).toBe(9);
    expect(report.total.reached.in_call).toBe(2);
    const agent = await signIn({ agentId: `agent-${run}`, name: 'Agent', role: 'agent' });
    expect((await SELF.fetch(`${ORIGIN}/v1/desk/funnel?from=${today}&to=${today}`, { headers: { authorization: `Bearer ${agent.token}` } })).status).toBe(403);
    expect((await SELF.fetch(`${ORIGIN}/v1/desk/funnel?from=${today}&to=${today}`)).status).toBe(401);
  });

  it('costs the directory no request of its own: one funnel row per ended session, none while active', async () => {
    const active = await session();
    const rows = await runInDurableObject(env.DIRECTORY.get(env.DIRECTORY.idFromName('global')), (_, state) =>
      state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM funnel WHERE session_id = ?', active.sessionId).one().n,
    );
    expect(rows).toBe(0);
    await expireLink(active);
    const after = await runInDurableObject(env.DIRECTORY.get(env.DIRECTORY.idFromName('global')), (_, state) =>
      state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM funnel WHERE session_id = ?', active.sessionId).one().n,
    );
    expect(after).toBe(1);
  });
});
