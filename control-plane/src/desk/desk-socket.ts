import { DeskRole, Locale, type DeskServerMessage } from '@vident/protocol';
export { DESK_SUBPROTOCOL } from '@vident/protocol';
import { z } from 'zod';

/* The desk socket's plumbing: what the Worker vouches for, what each socket carries, safe sends. */

/** Header the Worker sets (after verifying the desk token) when it forwards a console's upgrade: URI-encoded JSON DeskIdentity. */
export const DESK_AGENT_HEADER = 'x-vident-desk-agent';
/** Largest frame a console may send. */
export const MAX_FRAME = 4096;
/** Close code for a console whose agent the bank revoked (after an `error` frame token_revoked). */
export const CLOSE_REVOKED = 4003;

/** A console's identity as the Worker vouches for it (from the verified desk token) plus where it came from. */
export const DeskIdentity = z.object({
  agentId: z.string(),
  name: z.string(),
  role: DeskRole,
  locales: z.array(Locale),
  /** Base of links minted for this console (PUBLIC_BASE_URL or the socket's origin). */
  baseUrl: z.string(),
  /** The token's revocation generation: the desk refuses the console when the agent's moved on. */
  gen: z.number().int().nonnegative(),
});
export type DeskIdentity = z.infer<typeof DeskIdentity>;

export interface Attachment extends DeskIdentity {
  connectionId: string;
}

/** The socket's attachment, validated (never trusted as stored). */
export function attachmentOf(ws: WebSocket): Attachment | null {
  const value = ws.deserializeAttachment() as unknown;
  const parsed = DeskIdentity.extend({ connectionId: z.string() }).safeParse(value);
  return parsed.success ? parsed.data : null;
}

export function send(ws: WebSocket, message: DeskServerMessage): void {
  try {
    ws.send(JSON.stringify(message));
  } catch {
    // The socket is going away; its close event does the bookkeeping.
  }
}

export function safeClose(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code, reason);
  } catch {
    // Already closed.
  }
}
