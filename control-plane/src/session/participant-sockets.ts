import { Role, type ServerMessage } from '@vident/protocol';

/** Close code for a socket replaced by a newer connection of the same role. */
export const CLOSE_REPLACED = 4001;
/** Close code for a socket whose token no longer admits it (token_revoked). */
export const CLOSE_REVOKED = 4003;

/** What a participant's hibernating socket carries across hibernation. */
export interface Attachment {
  role: Role;
  connectionId: string;
  /** cf-connecting-ip of the upgrade, for the audit trail. */
  from: string | null;
}

/**
 * The participants' hibernating WebSockets of one session. A role's current socket is the one of
 * the connection the session record names; older ones are closed when a newer one is accepted.
 */
export class ParticipantSockets {
  constructor(
    private readonly ctx: DurableObjectState,
    /** The connection the session record names as the role's current one. */
    private readonly currentConnection: (role: Role) => string | null,
  ) {}

  /** Accepts an upgraded socket for a role, closing the role's older ones. */
  accept(server: WebSocket, role: Role, from: string | null): Attachment {
    const attachment: Attachment = { role, connectionId: crypto.randomUUID(), from: from ? from.slice(0, 64) : null };
    for (const old of this.ctx.getWebSockets(role)) {
      safeClose(old, CLOSE_REPLACED, 'replaced by a newer connection');
    }
    this.ctx.acceptWebSocket(server, [role]);
    server.serializeAttachment(attachment);
    return attachment;
  }

  /** The role's open sockets of its current connection (at most one in practice). */
  current(role: Role): WebSocket[] {
    const id = this.currentConnection(role);
    if (!id) return [];
    return this.ctx.getWebSockets(role).filter((ws) => attachmentOf(ws)?.connectionId === id && ws.readyState === WebSocket.OPEN);
  }

  /** Whether the role's current connection has an open socket. */
  isConnected(role: Role): boolean {
    return this.current(role).length > 0;
  }

  /** Delivers to the role's current connection, if any. Never throws. */
  send(role: Role, message: ServerMessage): void {
    for (const ws of this.current(role)) {
      try {
        ws.send(JSON.stringify(message));
      } catch {
        // The socket is going away; its close event does the bookkeeping.
      }
    }
  }

  /** Closes a role's sockets (its token was revoked). */
  close(role: Role, code: number, reason: string): void {
    for (const ws of this.ctx.getWebSockets(role)) safeClose(ws, code, reason);
  }

  /** Closes every participant socket of the session (it ended). */
  closeAll(code: number, reason: string): void {
    for (const ws of this.ctx.getWebSockets()) safeClose(ws, code, reason);
  }
}

/** The attachment a socket was accepted with; null when it carries none we recognize. */
export function attachmentOf(ws: WebSocket): Attachment | null {
  const value = ws.deserializeAttachment() as Partial<Attachment> | null;
  const role = Role.safeParse(value?.role);
  if (!role.success || typeof value?.connectionId !== 'string') return null;
  return { role: role.data, connectionId: value.connectionId, from: typeof value.from === 'string' ? value.from : null };
}

/** Closes a socket that may already be closed. */
export function safeClose(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code, reason);
  } catch {
    // Already closed.
  }
}
