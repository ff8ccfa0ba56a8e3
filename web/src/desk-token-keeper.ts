import { DeskTokenRefresh } from '@vident/protocol';
import { DESK_TOKEN_KEY, readDeskToken, type TokenStore } from './desk-session.ts';

/*
 * Desk tokens live 15 minutes (DESK_TOKEN_MINUTES): a console trades its token for a fresh one
 * (POST /v1/desk/token) a little before it expires, for as long as the bank's sign-in lasts, and
 * keeps the fresh one in this tab's sessionStorage (a reload, and the call page's way back to the
 * queue, use it). A token the desk refuses (expired, revoked) signs the console out.
 */

/** How long before its expiry a desk token is traded for a fresh one. */
export const REFRESH_LEAD_MS = 2 * 60_000;
/** After a failed refresh that was not a refusal (network), the next try. */
export const RETRY_MS = 15_000;

/** When to refresh a token that expires at `expSeconds` (unix): REFRESH_LEAD_MS before, not sooner than in a second. */
export function refreshDelayMs(expSeconds: number, nowMs: number): number {
  return Math.max(1000, expSeconds * 1000 - REFRESH_LEAD_MS - nowMs);
}

export interface DeskTokenKeeperOptions {
  token: string;
  /** sessionStorage (null when the browser refuses it). */
  store: TokenStore | null;
  fetch: (input: string, init: RequestInit) => Promise<Response>;
  /** The desk refused the token (expired, revoked) or the sign-in ended: the console is signed out. */
  onSignedOut(): void;
  now?: () => number;
  setTimer?: (run: () => void, ms: number) => unknown;
}

/** Keeps one console's desk token fresh. */
export class DeskTokenKeeper {
  private token: string;
  private over = false;
  private readonly now: () => number;
  private readonly setTimer: (run: () => void, ms: number) => unknown;

  constructor(private readonly opts: DeskTokenKeeperOptions) {
    this.token = opts.token;
    this.now = opts.now ?? Date.now;
    this.setTimer = opts.setTimer ?? ((run, ms) => setTimeout(run, ms));
  }

  /** The freshest token: what a reconnect or a request presents. */
  current(): string {
    return this.token;
  }

  start(): void {
    this.schedule();
  }

  /** Trades the token for a fresh one now (the timer calls it; tests too). */
  async refresh(): Promise<void> {
    if (this.over) return;
    try {
      const res = await this.opts.fetch('/v1/desk/token', { method: 'POST', headers: { authorization: `Bearer ${this.token}` }, cache: 'no-store' });
      const body: unknown = await res.json().catch(() => null);
      const fresh = res.ok ? DeskTokenRefresh.safeParse(body) : null;
      if (fresh?.success) {
        this.token = fresh.data.token;
        this.keep(fresh.data.token);
        this.schedule();
        return;
      }
      if (res.status === 401 || res.status === 403) return this.signOut();
    } catch {
      // Offline for a moment: try again below while the token lasts.
    }
    if (this.expiresAt() <= this.now()) return this.signOut();
    this.setTimer(() => void this.refresh(), RETRY_MS);
  }

  private schedule(): void {
    const info = readDeskToken(this.token);
    if (!info) return;
    // At the sign-in's end there is nothing to refresh: the console is signed out when the token expires.
    if (info.until !== undefined && info.exp >= info.until) {
      this.setTimer(() => this.signOut(), Math.max(0, info.exp * 1000 - this.now()));
      return;
    }
    this.setTimer(() => void this.refresh(), refreshDelayMs(info.exp, this.now()));
  }

  private expiresAt(): number {
    return (readDeskToken(this.token)?.exp ?? 0) * 1000;
  }

  private signOut(): void {
    if (this.over) return;
    this.over = true;
    try {
      this.opts.store?.removeItem(DESK_TOKEN_KEY);
    } catch {
      // Storage refused: nothing was kept.
    }
    this.opts.onSignedOut();
  }

  private keep(token: string): void {
    try {
      this.opts.store?.setItem(DESK_TOKEN_KEY, token);
    } catch {
      // Storage refused: the token lives in this page only.
    }
  }
}
