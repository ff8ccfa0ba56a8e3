/**
 * The join's phases as this page lived them, in milliseconds since navigation start
 * (performance.now()), each kept at its FIRST occurrence: a later reconnect or republish does not
 * move it. Nothing shows them to the user; the page exposes them as `window.__videntPhases` so the
 * join benchmark (e2e/bench/join-time.ts) can print them beside the bare Janus page's, and a slow
 * join can be read phase by phase.
 */
export const JOIN_PHASES = [
  'page-load',
  'join',
  'socket-open',
  'welcome',
  'camera',
  'publish-sent',
  'answer',
  'ice-connected',
  'subscribe-offer',
  'first-frame',
] as const;

export type JoinPhase = (typeof JOIN_PHASES)[number];
export type JoinPhaseTimes = Partial<Record<JoinPhase, number>>;

export class JoinPhases {
  private readonly times: JoinPhaseTimes = {};

  constructor(private readonly now: () => number) {}

  /** Records `phase` now unless it was recorded before. */
  mark(phase: JoinPhase): void {
    this.times[phase] ??= Math.round(this.now());
  }

  /** The phases recorded so far, in JOIN_PHASES order, as a copy. */
  snapshot(): JoinPhaseTimes {
    const out: JoinPhaseTimes = {};
    for (const phase of JOIN_PHASES) if (this.times[phase] !== undefined) out[phase] = this.times[phase];
    return out;
  }
}

/** The page's one record (a module singleton: the page has one join). */
export const joinPhases = new JoinPhases(() => (typeof performance === 'undefined' ? Date.now() : performance.now()));

/** Shorthand for `joinPhases.mark`. */
export function markPhase(phase: JoinPhase): void {
  joinPhases.mark(phase);
}
