import type { Role, ServerMessage } from '@vident/protocol';

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
  /**
   * The participant's media flags as its latest `media-state` on this connection said (absent: none
   * sent yet). They change per frame, so they live here and not in the stored record: writing the
   * attachment is no storage write (nothing holds the relayed frame back), and it survives
   * hibernation with the socket. SessionCore folds them into the record when it wakes up.
   */
  media?: MediaFlags;
  /**
   * Present while the socket is on standby (opened before its page's Join click, issue 16): not the
   * role's current connection, so nothing is relayed to it and its frames other than `join` are
   * not taken. Keeps the agent's claim of the upgrade, checked again when the socket joins.
   */
  standby?: { claim: StandbyClaim | null };
}

/** The agent claim a standby socket was admitted with (session-rpc.ts AgentClaim). */
export interface StandbyClaim {
  agentId: string;
  assignmentId: string;
}

/** Whether a participant sends audio and video. */
export interface MediaFlags {
  audio: boolean;
  video: boolean;
}

/**
 * The participants' hibernating WebSockets of one session. A role's current socket is the one of
 * the connection the session record names; older ones are closed when a newer one is accepted.
 */
export class ParticipantSockets {
  /**
   * Each role's current socket and its attachment as last found or written (memory only): a relayed
   * frame is delivered, and its flags kept, without listing and decoding every socket's attachment.
   * Checked against the record's connection and the socket's state on use.
   */
  private readonly found = new Map<Role, { ws: WebSocket; attachment: Attachment }>();

  constructor(
    private readonly ctx: DurableObjectState,
    /** The connection the session record names as the role's current one. */
    private readonly currentConnection: (role: Role) => string | null,
  ) {}

  /** Accepts an upgraded socket for a role, closing the role's older ones. */
  accept(server: WebSocket, role: Role, from: string | null): Attachment {
    const attachment: Attachment = { role, connectionId: crypto.randomUUID(), from: from ? from.slice(0, 64) : null };
    this.closeOthers(role, null);
    this.ctx.acceptWebSocket(server, [role]);
    server.serializeAttachment(attachment);
    return attachment;
  }

  /**
   * Accepts a socket on standby: the role's other sockets (a joined page in another tab) stay as
   * they are until this one joins (`promote`).
   */
  acceptStandby(server: WebSocket, role: Role, from: string | null, claim: StandbyClaim | null): void {
    const attachment: Attachment = { role, connectionId: crypto.randomUUID(), from: from ? from.slice(0, 64) : null, standby: { claim } };
    this.ctx.acceptWebSocket(server, [role]);
    server.serializeAttachment(attachment);
  }

  /** A standby socket joins: the role's other sockets are closed as for a new connection; its attachment loses the mark. */
  promote(ws: WebSocket, attachment: Attachment): Attachment {
    const { standby: _, ...joined } = attachment;
    this.closeOthers(attachment.role, ws);
    ws.serializeAttachment(joined);
    return joined;
  }

  private closeOthers(role: Role, keep: WebSocket | null): void {
    for (const old of this.ctx.getWebSockets(role)) {
      if (old !== keep) safeClose(old, CLOSE_REPLACED, 'replaced by a newer connection');
    }
  }

  /** The role's open sockets of its current connection (at most one in practice). */
  current(role: Role): WebSocket[] {
    const found = this.currentFound(role);
    if (found) return [found.ws];
    const id = this.currentConnection(role);
    if (!id) return [];
    return this.ctx.getWebSockets(role).filter((ws) => attachmentOf(ws)?.connectionId === id && ws.readyState === WebSocket.OPEN);
  }

  /** Keeps the role's media flags with its current connection's socket (see Attachment.media). */
  keepMedia(role: Role, media: MediaFlags): void {
    const flags = { audio: media.audio, video: media.video };
    const found = this.currentFound(role);
    const targets = found ? [found] : this.current(role).flatMap((ws) => (attachmentOf(ws) ? [{ ws, attachment: attachmentOf(ws)! }] : []));
    for (const target of targets) {
      target.attachment = { ...target.attachment, media: flags };
      try {
        target.ws.serializeAttachment(target.attachment);
      } catch {
        // The socket is going away: the flags stay in the record, stored by its next save.
      }
    }
  }

  /** The media flags kept with the role's current connection, if its page sent any. */
  keptMedia(role: Role): MediaFlags | null {
    return this.currentFound(role)?.attachment.media ?? null;
  }

  /** The role's one open socket of its current connection, remembered once found; null if none (or several). */
  private currentFound(role: Role): { ws: WebSocket; attachment: Attachment } | null {
    const id = this.currentConnection(role);
    if (!id) return null;
    const known = this.found.get(role);
    if (known?.attachment.connectionId === id && known.ws.readyState === WebSocket.OPEN) return known;
    const open = this.ctx.getWebSockets(role).flatMap((ws) => {
      const attachment = attachmentOf(ws);
      return attachment?.connectionId === id && ws.readyState === WebSocket.OPEN ? [{ ws, attachment }] : [];
    });
    if (open.length !== 1) return null;
    this.found.set(role, open[0]!);
    return open[0]!;
  }

  /** The attachment of a socket that sent a frame: the remembered one when it is a current socket, else decoded. */
  attachment(ws: WebSocket): Attachment | null {
    for (const known of this.found.values()) if (known.ws === ws) return known.attachment;
    return attachmentOf(ws);
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

/**
 * The attachment a socket was accepted with; null when it carries none we recognize. Read for every
 * frame, so checked by hand (the two roles) rather than by a schema.
 */
export function attachmentOf(ws: WebSocket): Attachment | null {
  const value = ws.deserializeAttachment() as Partial<Attachment> | null;
  const role = value?.role;
  if ((role !== 'customer' && role !== 'agent') || typeof value?.connectionId !== 'string') return null;
  const media = value.media;
  const claim = value.standby?.claim;
  return {
    role,
    connectionId: value.connectionId,
    from: typeof value.from === 'string' ? value.from : null,
    ...(typeof media?.audio === 'boolean' && typeof media.video === 'boolean' ? { media: { audio: media.audio, video: media.video } } : {}),
    ...(value.standby
      ? { standby: { claim: typeof claim?.agentId === 'string' && typeof claim.assignmentId === 'string' ? { agentId: claim.agentId, assignmentId: claim.assignmentId } : null } }
      : {}),
  };
}

/** Closes a socket that may already be closed. */
export function safeClose(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code, reason);
  } catch {
    // Already closed.
  }
}
