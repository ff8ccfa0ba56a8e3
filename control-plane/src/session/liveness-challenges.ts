import {
  ChallengeAction,
  cryptoRandom,
  drawChallengeActions,
  isTerminalState,
  MAX_CHALLENGES,
  toHex,
  type ChallengeId,
  type ChallengeResult,
  type ErrorCode,
  type IssuedChallenge,
  type RandomSource,
  type RecordedChallenge,
  type Role,
  type SessionState,
} from '@vident/protocol';

/*
 * Liveness challenges (issue 15), the session's rules: what a `challenge-start` issues (a random draw
 * of 2-3 actions, or the one action the agent chose) and whether a `challenge-result` is taken (the
 * agent's, for an issued id, once). Pure over the random source and the clock; session-challenges.ts
 * stores, audits and tells the pages.
 */

type Refusal = { ok: false; code: ErrorCode; message: string };
type ChallengeRecord = { state: SessionState; challenges?: RecordedChallenge[] };

/**
 * The challenges a `challenge-start` issues: a random draw when `action` is absent, else that action
 * (`replaces` must name an issued challenge). Agent only, during the call, within MAX_CHALLENGES.
 */
export function issueStep(
  r: ChallengeRecord,
  role: Role,
  request: { action?: ChallengeAction; replaces?: ChallengeId },
  at: string,
  random: RandomSource = cryptoRandom,
): { ok: true; issued: IssuedChallenge[] } | Refusal {
  if (role !== 'agent') return { ok: false, code: 'forbidden', message: 'only the agent starts liveness challenges' };
  if (isTerminalState(r.state)) return { ok: false, code: 'session_ended', message: 'the session has ended' };
  if (r.state !== 'in_call') return { ok: false, code: 'invalid_transition', message: 'liveness challenges are issued during the call' };
  const known = r.challenges ?? [];
  if (request.replaces !== undefined && !known.some((c) => c.id === request.replaces)) {
    return { ok: false, code: 'not_found', message: 'no challenge of that id was issued in this session' };
  }
  const actions = request.action !== undefined ? [request.action] : drawChallengeActions(random);
  if (known.length + actions.length > MAX_CHALLENGES) return { ok: false, code: 'limit_reached', message: `at most ${MAX_CHALLENGES} liveness challenges per session` };
  const ids = new Set(known.map((c) => c.id));
  const issued = actions.map((action): IssuedChallenge => {
    let id: string;
    do id = challengeId(random);
    while (ids.has(id));
    ids.add(id);
    return {
      id,
      action,
      issuedAt: at,
      origin: request.action !== undefined ? 'chosen' : 'drawn',
      ...(request.replaces !== undefined ? { replaces: request.replaces } : {}),
    };
  });
  return { ok: true, issued };
}

/** 16 hex digits from the random source. */
function challengeId(random: RandomSource): string {
  const words = random(new Uint32Array(2));
  return toHex(new Uint8Array(words.buffer));
}

/**
 * Whether the agent's page's result is taken: the agent's, while the session is active, for a
 * challenge this session issued that has no result yet. The result stored is stamped `recordedAt`.
 */
export function resultStep(r: ChallengeRecord, role: Role, result: ChallengeResult, at: string): { ok: true; challenge: RecordedChallenge } | Refusal {
  if (role !== 'agent') return { ok: false, code: 'forbidden', message: 'only the agent reports liveness challenges' };
  if (isTerminalState(r.state)) return { ok: false, code: 'session_ended', message: 'the session has ended' };
  const issued = (r.challenges ?? []).find((c) => c.id === result.id);
  if (!issued) return { ok: false, code: 'not_found', message: 'no challenge of that id was issued in this session' };
  if (issued.result !== undefined) return { ok: false, code: 'conflict', message: 'this challenge has its result already; issue it again to measure anew' };
  const { id: _id, ...measured } = result;
  return { ok: true, challenge: { ...issued, result: { ...measured, recordedAt: at } } };
}

/** The audit detail of `challenge.issued`. */
export function issuedAuditDetail(c: IssuedChallenge): Record<string, unknown> {
  return { id: c.id, action: c.action, origin: c.origin, ...(c.replaces !== undefined ? { replaces: c.replaces } : {}) };
}

/** The audit detail of `challenge.result`: the action, outcome, the page's times and figures, the hints. */
export function resultAuditDetail(c: RecordedChallenge): Record<string, unknown> {
  const result = c.result!;
  return {
    id: c.id,
    action: c.action,
    outcome: result.outcome,
    startedAt: result.startedAt,
    endedAt: result.endedAt,
    figures: result.figures,
    ...(result.hints !== undefined ? { hints: result.hints } : {}),
  };
}

/** The challenges a page gets in its welcome: all of them to the agent, the open ones (without results) to the customer. */
export function welcomeChallenges(challenges: readonly RecordedChallenge[] | undefined, role: Role): RecordedChallenge[] | undefined {
  if (!challenges?.length) return undefined;
  if (role === 'agent') return [...challenges];
  const open = challenges.filter((c) => c.result === undefined).map(({ result: _r, ...c }) => c);
  return open.length > 0 ? open : undefined;
}
