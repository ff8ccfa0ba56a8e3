import { AgentId, DeskRole, Locale } from '@vident/protocol';
import * as z from 'zod/mini';
import { DESK_TOKEN_KEY } from './end-summary.ts';
import { pickLocale } from './locale-choice.ts';

/*
 * The console's sign-in: the desk token from the link's fragment (then kept in sessionStorage so a
 * reload, and the call page's "Back to the queue", find it without it staying in the address bar).
 */

export { DESK_TOKEN_KEY };

/** What the page reads from its token to greet the agent; the server verifies the token, not the page. */
const ShownPayload = z.object({
  aid: AgentId,
  name: z.string(),
  role: DeskRole,
  loc: z.array(Locale).check(z.minLength(1)),
  exp: z.number(),
  /** End of the sign-in: no refresh goes past it. */
  until: z.optional(z.number()),
});
export type DeskTokenInfo = z.infer<typeof ShownPayload>;

export interface TokenStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The token from `#token=...` (stored for later), else the stored one; null when neither. */
export function takeDeskToken(hash: string, store: TokenStore): string | null {
  const fromHash = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  if (fromHash && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(fromHash)) {
    store.setItem(DESK_TOKEN_KEY, fromHash);
    return fromHash;
  }
  return store.getItem(DESK_TOKEN_KEY);
}

/** The token's payload, unverified (display only); null when it is not a desk token's shape. */
export function readDeskToken(token: string): DeskTokenInfo | null {
  const part = token.split('.')[0] ?? '';
  try {
    const binary = atob(part.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (part.length % 4)) % 4));
    const json = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    const parsed = ShownPayload.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** An agent serving one language sees the console in it; otherwise the browser's languages decide. */
export function consoleLocale(info: DeskTokenInfo | null, languages: readonly string[]): Locale {
  if (info && info.loc.length === 1) return info.loc[0]!;
  return pickLocale(languages);
}

/** Seconds as m:ss (or h:mm:ss) for waiting times. */
export function formatSeconds(total: number): string {
  const s = Math.max(0, Math.floor(total));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
