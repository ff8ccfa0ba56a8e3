/*
 * The liveness challenges (issue 15) as a page knows them (pure): issued by the session (`challenge`,
 * or the welcome after a reload), closed by the agent's page's result (`challenge-recorded` to the
 * agent, `challenge-ended` to the customer). One is performed at a time: the oldest open one, which
 * the customer's page shows and the agent's page measures.
 */
import type { ChallengeAction, RecordedChallenge } from '@vident/protocol';

/** A challenge as a page shows it; `result` on the agent's page once recorded, `ended` on the customer's once over. */
export interface ShownChallenge {
  id: string;
  action: ChallengeAction;
  issuedAt: string;
  result?: RecordedChallenge['result'];
  ended?: boolean;
}

/** The list with a newly issued challenge (a repeated id is ignored). */
export function challengeIssued(list: readonly ShownChallenge[], c: { id: string; action: ChallengeAction; issuedAt: string }): ShownChallenge[] {
  return list.some((x) => x.id === c.id) ? [...list] : [...list, { id: c.id, action: c.action, issuedAt: c.issuedAt }];
}

/** The list with a challenge's recorded result (agent) or its end (customer). */
export function challengeClosed(list: readonly ShownChallenge[], id: string, result?: RecordedChallenge['result']): ShownChallenge[] {
  return list.map((c) => (c.id === id ? { ...c, ended: true, ...(result !== undefined ? { result } : {}) } : c));
}

/** The list a welcome carries (the session's record of the challenges). */
export function challengesFromWelcome(challenges: readonly RecordedChallenge[] | undefined): ShownChallenge[] {
  return (challenges ?? []).map(({ id, action, issuedAt, result }) => ({ id, action, issuedAt, ...(result !== undefined ? { result, ended: true } : {}) }));
}

/** The challenge to perform (customer) or measure (agent) now: the oldest open one, or null. */
export function currentChallenge(list: readonly ShownChallenge[]): ShownChallenge | null {
  return list.find((c) => !c.ended) ?? null;
}
