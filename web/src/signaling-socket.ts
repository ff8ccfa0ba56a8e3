import type { ClientMessage, ServerMessage } from '@vident/protocol';
import { parseServerFrame } from './server-frame.ts';
import { sessionSocketProtocols, sessionSocketUrl } from './join-link.ts';

export interface SignalingHandlers {
  onOpen(): void;
  onMessage(message: ServerMessage): void;
  onClose(code: number): void;
}

/** What the session connection needs of one socket: the seam where tests put a fake one. */
export interface SignalingChannel {
  /** Sends when open; false when the message was dropped. */
  send(message: ClientMessage): boolean;
  close(): void;
}

/** Opens one socket to the session, reporting to `handlers`. */
export type OpenSignalingChannel = (handlers: SignalingHandlers) => SignalingChannel;

/** One WebSocket to the session's Durable Object: typed sends, validated receives. */
export class SignalingSocket implements SignalingChannel {
  private readonly ws: WebSocket;

  /** `standby`: the session keeps the socket on standby until it sends `join` (standby-socket.ts). */
  constructor(origin: string, sessionId: string, token: string, handlers: SignalingHandlers, standby = false) {
    this.ws = new WebSocket(sessionSocketUrl(origin, sessionId, standby), sessionSocketProtocols(token));
    this.ws.addEventListener('open', () => handlers.onOpen());
    this.ws.addEventListener('close', (e) => handlers.onClose(e.code));
    this.ws.addEventListener('message', (e) => {
      const result = parseServerFrame(e.data);
      if (result.ok) handlers.onMessage(result.message);
      else console.warn(`vident: ignored server frame (${result.reason}: ${result.detail})`);
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends when open; a message while closed is dropped (state is re-sent after reconnect). */
  send(message: ClientMessage): boolean {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  close(): void {
    if (this.ws.readyState === WebSocket.CONNECTING || this.ws.readyState === WebSocket.OPEN) {
      this.ws.close(1000, 'client closing');
    }
  }
}
