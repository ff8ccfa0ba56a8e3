import { AuditTrail, ClientMessage, ErrorCode, ReasonCode, RECORDING_CONSENT_VERSION, SessionView, verifyAuditChain, type CreateSessionResponse, type ServerMessage } from '@vident/protocol';
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { clearIndexes, createSession, installFakeNode, Participant, registerNode, signedFetch, startCall, type FakeNode, fullChecklist } from './helpers.ts';

/*
 * Property-based hostile WebSocket frames at a session's Durable Object, over real test sockets of
 * both roles: random strings, binary, huge frames, JSON of the wrong shape, valid messages with
 * damaged fields, and valid messages from the wrong role or in the wrong state. Every one must be
 * answered by exactly one `error` with the code the contract implies, the socket must stay open,
 * and neither the stored session nor its audit trail may change.
 */

/** Same bound as control-plane's MAX_FRAME_BYTES (64 KiB); restated so the test does not trust the code under test. */
const FRAME_LIMIT = 64 * 1024;
const RUNS = 500;

vi.setConfig({ testTimeout: 60_000 });

let node: FakeNode;

beforeAll(async () => {
  node = installFakeNode();
  await clearIndexes();
});

beforeEach(async () => {
  node.commands.length = 0;
  await registerNode('node-frames', undefined, 100);
});

afterEach(() => Participant.closeAll());

afterAll(async () => {
  node.restore();
  await clearIndexes();
});

/** The code the contract implies for a frame that must be refused before any state is looked at. */
function expectedCode(frame: string | Uint8Array): ErrorCode | null {
  if (typeof frame !== 'string') return 'invalid_json';
  if (new TextEncoder().encode(frame).byteLength > FRAME_LIMIT) return 'payload_too_large';
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return 'invalid_json';
  }
  return ClientMessage.safeParse(value).success ? null : 'validation_failed';
}

/** Sends one frame and asserts it is answered by exactly one `error` carrying `code`. */
/**
 * What a participant was sent besides the desk's queue notices: those reach a waiting customer
 * whenever the agents' queue changes (another session joining or leaving it), never as an answer to a
 * frame, so they are dropped here.
 */
function answers(p: Participant): string[] {
  for (let i = p.received.length - 1; i >= 0; i -= 1) if (p.received[i]!.type === 'queue') p.received.splice(i, 1);
  return p.received.map((m) => m.type);
}

async function refused(p: Participant, frame: string | Uint8Array, code: ErrorCode): Promise<void> {
  // Everything earlier was consumed: a frame that answered twice would show up here.
  expect(answers(p)).toEqual([]);
  p.ws.send(frame);
  const err = await p.next('error');
  expect(ErrorCode.options).toContain(err.code);
  expect(err.code, typeof frame === 'string' ? frame.slice(0, 200) : 'binary').toBe(code);
  expect(err.message.length).toBeGreaterThan(0);
  expect(answers(p)).toEqual([]);
  expect(p.closed).toBeNull();
}

/** One more known-bad frame after a run: any late second answer to an earlier frame surfaces now. */
async function settled(...ps: Participant[]): Promise<void> {
  for (const p of ps) {
    await refused(p, '{', 'invalid_json');
    await new Promise((r) => setTimeout(r, 20));
    expect(answers(p)).toEqual([]);
    expect(p.closed).toBeNull();
  }
}

interface Snapshot {
  view: SessionView;
  stored: string;
  /** The audit trail without the bank's own reads (each GET is itself audited). */
  trail: AuditTrail['entries'];
}

async function snapshot(sessionId: string): Promise<Snapshot> {
  const res = await signedFetch('GET', `/v1/sessions/${sessionId}`);
  expect(res.status).toBe(200);
  const view = SessionView.parse(await res.json());
  const stored = await runInDurableObject(env.SESSIONS.get(env.SESSIONS.idFromName(sessionId)), (_, state) =>
    String(state.storage.sql.exec<{ data: string }>('SELECT data FROM session WHERE id = 1').one().data),
  );
  const auditRes = await signedFetch('GET', `/v1/sessions/${sessionId}/audit`);
  expect(auditRes.status).toBe(200);
  const t = AuditTrail.parse(await auditRes.json());
  expect(await verifyAuditChain(t.entries, t.head)).toEqual({ ok: true, head: t.head });
  return { view, stored, trail: t.entries.filter((e) => !e.action.startsWith('api.')) };
}

/** Arbitrary text and binary, never valid JSON of the right shape. */
const junk: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ maxLength: 100, unit: 'binary' }),
  fc.string({ maxLength: 100, unit: 'grapheme' }),
  fc.uint8Array({ maxLength: 300 }),
  fc.json({ maxDepth: 3 }),
  fc.anything({ maxDepth: 2 }).map((v) => {
    try {
      return JSON.stringify(v) ?? 'undefined';
    } catch {
      return String(v);
    }
  }),
);

const oversized = fc.string({ maxLength: 30 }).map((s) => 'x'.repeat(FRAME_LIMIT + 1) + s);

/** Strings that make a field the wrong type. */
const wrongValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 20 }),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

/** Well-formed messages of every type (never sent as-is: always damaged first). */
const validMessage: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ type: fc.constant('publish'), sdp: fc.string({ minLength: 1, maxLength: 50 }), audio: fc.boolean(), video: fc.boolean() }),
  fc.record({ type: fc.constant('subscribe-answer'), sdp: fc.string({ minLength: 1, maxLength: 50 }) }),
  fc.record({
    type: fc.constant('trickle'),
    leg: fc.constantFrom('publisher', 'subscriber'),
    candidate: fc.oneof(fc.constant(null), fc.record({ candidate: fc.string({ maxLength: 40 }), sdpMid: fc.constantFrom('0', '1'), sdpMLineIndex: fc.nat(3) })),
  }),
  fc.record({ type: fc.constant('media-state'), audio: fc.boolean(), video: fc.boolean() }),
  fc.record({ type: fc.constant('consent'), version: fc.string({ minLength: 1, maxLength: 64 }), accepted: fc.boolean() }),
  fc.constant({ type: 'hang-up' }),
  fc.record({
    type: fc.constant('decide'),
    decision: fc.constant('rejected'),
    reasonCodes: fc.subarray([...ReasonCode.options], { minLength: 1 }),
    note: fc.string({ maxLength: 50 }),
  }),
);

/**
 * A valid message with damage: a field of the wrong type, a removed field, an extra key, a wrong
 * enum value, an oversized sdp or note, duplicated reason codes. Only frames the schema refuses are
 * kept: a damaged message that happens to stay valid (e.g. a hang-up) would really act.
 */
const mutated: fc.Arbitrary<string> = fc
  .tuple(validMessage, fc.nat(), wrongValue, fc.string({ minLength: 1, maxLength: 12 }), fc.nat(7))
  .map(([msg, pick, value, key, how]) => {
    const keys = Object.keys(msg);
    const field = keys[pick % keys.length]!;
    const m: Record<string, unknown> = { ...msg };
    switch (how) {
      case 0:
        m[field] = value;
        break;
      case 1:
        delete m[field];
        break;
      case 2:
        m[key] = value;
        break;
      case 3:
        m.type = `${String(m.type)}${key}`;
        break;
      case 4:
        if ('sdp' in m) m.sdp = pick % 2 ? '' : 's'.repeat(FRAME_LIMIT + 1);
        else if ('leg' in m) m.leg = key;
        else if ('audio' in m) m.audio = String(m.audio);
        else m.extra = value;
        break;
      case 5:
        if (m.type === 'decide') m.note = 'n'.repeat(2001 + key.length);
        else if (m.type === 'trickle') m.candidate = { candidate: 'c'.repeat(1025) };
        else m.type = key;
        break;
      case 6:
        if (m.type === 'decide') m.reasonCodes = [...(m.reasonCodes as string[]), (m.reasonCodes as string[])[0], key];
        else if (m.type === 'hang-up') m.force = true;
        else m.type = field.toUpperCase();
        break;
      default:
        if (m.type === 'decide') m.decision = key;
        else if (m.type === 'trickle') m.candidate = { candidate: 'a', sdpMLineIndex: -1 - pick };
        else m[field] = [m[field]];
    }
    return JSON.stringify(m);
  })
  .filter((frame) => expectedCode(frame) !== null);

/** Every hostile frame, with both roles as sender. */
const hostile = fc.oneof(
  { arbitrary: junk, weight: 4 },
  { arbitrary: mutated, weight: 5 },
  { arbitrary: oversized, weight: 1 },
);

async function fuzz(sockets: Participant[], runs: number): Promise<Map<ErrorCode, number>> {
  const codes = new Map<ErrorCode, number>();
  await fc.assert(
    fc.asyncProperty(fc.nat(sockets.length - 1), hostile, async (who, frame) => {
      const code = expectedCode(frame);
      // Only refusable frames are generated; a valid one here is a generator bug.
      expect(code).not.toBeNull();
      await refused(sockets[who]!, frame, code!);
      codes.set(code!, (codes.get(code!) ?? 0) + 1);
    }),
    { numRuns: runs },
  );
  // The barrage really covered every way a frame is refused before the state is looked at.
  for (const c of ['invalid_json', 'payload_too_large', 'validation_failed'] as const) expect(codes.get(c) ?? 0, c).toBeGreaterThan(runs / 50);
  return codes;
}

async function waitingSession(): Promise<{ s: CreateSessionResponse; customer: Participant; agent: Participant }> {
  const s = await createSession({ externalRef: 'hostile-frames' });
  const customer = await Participant.join(s.sessionId, s.customerUrl);
  const agent = await Participant.join(s.sessionId, s.agentUrl);
  await customer.next('welcome');
  await agent.next('welcome');
  await customer.next('peer-joined');
  return { s, customer, agent };
}

describe('hostile WebSocket frames at the session Durable Object', () => {
  it('in a waiting session: junk, binary, huge and mutated frames from both roles each get one error and change nothing', async () => {
    const { s, customer, agent } = await waitingSession();
    const before = await snapshot(s.sessionId);
    expect(before.view.state).toBe('waiting');
    const commandsBefore = node.commands.length;

    const codes = await fuzz([customer, agent], RUNS * 2);
    expect([...codes.values()].reduce((a, b) => a + b, 0)).toBe(RUNS * 2);
    await settled(customer, agent);

    const after = await snapshot(s.sessionId);
    expect(after.view).toEqual(before.view);
    expect(after.stored).toBe(before.stored);
    expect(after.trail).toEqual(before.trail);
    // Nothing refused reached the media node.
    expect(node.commands.length).toBe(commandsBefore);
  });

  it('in a running call: the same barrage from both roles, then the call still works', async () => {
    const s = await createSession({ externalRef: 'hostile-frames-call' });
    const { customer, agent } = await startCall(s);
    for (const p of [customer, agent]) p.received.length = 0;
    const before = await snapshot(s.sessionId);
    expect(before.view.state).toBe('in_call');
    const commandsBefore = node.commands.length;

    await fuzz([customer, agent], RUNS * 2);
    await settled(customer, agent);

    const after = await snapshot(s.sessionId);
    expect(after.view).toEqual(before.view);
    expect(after.stored).toBe(before.stored);
    expect(after.trail).toEqual(before.trail);
    expect(node.commands.length).toBe(commandsBefore);

    // The sockets were not merely left open: the session still obeys a real message.
    agent.send({ type: 'decide', decision: 'approved', reasonCodes: [], note: 'after the barrage', checklist: fullChecklist() });
    expect((await customer.next('session-ended')).state).toBe('decided');
    expect((await snapshot(s.sessionId)).view).toMatchObject({ state: 'decided', decision: 'approved', decidedBy: 'agent' });
  });

  it('valid messages from the wrong role or in the wrong state are refused with their code and change nothing', async () => {
    const decide = fc.record({
      decision: fc.constantFrom('approved', 'rejected'),
      reasonCodes: fc.subarray([...ReasonCode.options], { minLength: 1 }),
      note: fc.string({ maxLength: 200 }),
    });

    // Waiting: nobody may decide yet (the agent gets invalid_transition, the customer forbidden).
    const w = await waitingSession();
    const beforeWaiting = await snapshot(w.s.sessionId);
    await fc.assert(
      fc.asyncProperty(decide, fc.boolean(), async (d, asAgent) => {
        const frame = JSON.stringify({ type: 'decide', ...d });
        expect(expectedCode(frame)).toBeNull();
        if (asAgent) await refused(w.agent, frame, 'invalid_transition');
        else await refused(w.customer, frame, 'forbidden');
      }),
      { numRuns: RUNS / 2 },
    );
    await settled(w.customer, w.agent);
    const afterWaiting = await snapshot(w.s.sessionId);
    expect(afterWaiting.view).toEqual(beforeWaiting.view);
    expect(afterWaiting.stored).toBe(beforeWaiting.stored);
    expect(afterWaiting.trail).toEqual(beforeWaiting.trail);

    // In a call: the customer still may not decide, in any form; consent is the customer's alone,
    // and only to the current text.
    const s = await createSession({ externalRef: 'hostile-frames-role' });
    const { customer, agent } = await startCall(s);
    for (const p of [customer, agent]) p.received.length = 0;
    const before = await snapshot(s.sessionId);
    await fc.assert(
      fc.asyncProperty(decide, async (d) => {
        await refused(customer, JSON.stringify({ type: 'decide', ...d }), 'forbidden');
      }),
      { numRuns: RUNS / 2 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 64 }), fc.boolean(), async (version, accepted) => {
        await refused(agent, JSON.stringify({ type: 'consent', version, accepted }), 'forbidden');
        if (version !== RECORDING_CONSENT_VERSION) await refused(customer, JSON.stringify({ type: 'consent', version, accepted: true }), 'validation_failed');
      }),
      { numRuns: RUNS / 4 },
    );
    await settled(customer, agent);
    // The agent saw nothing of the customer's attempts.
    expect(agent.received).toEqual([] satisfies ServerMessage[]);
    const after = await snapshot(s.sessionId);
    expect(after.view).toEqual(before.view);
    expect(after.stored).toBe(before.stored);
    expect(after.trail).toEqual(before.trail);
    expect(after.view.state).toBe('in_call');
  });
});
