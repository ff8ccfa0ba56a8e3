import type { ClientMessage, ServerMessage } from '@vident/protocol';
import type { OpenSignalingChannel, SignalingChannel, SignalingHandlers } from './signaling-socket.ts';

/*
 * Connect-then-join (issue 16): a page opens its signaling socket before its participant enters the
 * call (the customer's on its landing page, the agent's while it shows the Join button), so the
 * handshake and the Worker's token check are behind it when the call starts. The session object
 * keeps that socket on standby (the participant is not announced, nothing is relayed to it) until
 * the page sends `join`; entering the call then costs one frame, not a connection.
 */

/** Opens one socket; `standby` asks the session to keep it on standby until it sends `join`. */
export type OpenSocket = (handlers: SignalingHandlers, standby: boolean) => SignalingChannel;

/**
 * The page's first connection, opened on standby at once. `open` is the SessionConnection's socket
 * opener: its first use takes the standby socket over and joins on it (at once when it is open,
 * else when it opens); when that socket has closed meanwhile (network, session ended, link
 * revoked), and for every later use (a reconnect), it opens a plain socket, which joins as it
 * connects and hears the refusal, if any, as any connection does.
 */
export class StandbySocket {
  private readonly socket: SignalingChannel;
  private opened = false;
  private closed = false;
  private taken = false;
  private handlers: SignalingHandlers | null = null;

  constructor(private readonly openSocket: OpenSocket) {
    this.socket = openSocket(
      {
        onOpen: () => {
          this.opened = true;
          if (this.handlers) this.joinAndOpen(this.handlers);
        },
        // Before the join nothing is relayed to a standby socket; a refusal (ended, revoked) comes
        // with a close, and the plain socket opened instead hears it again.
        onMessage: (message: ServerMessage) => this.handlers?.onMessage(message),
        onClose: (code) => {
          this.closed = true;
          this.handlers?.onClose(code);
        },
      },
      true,
    );
  }

  readonly open: OpenSignalingChannel = (handlers) => {
    if (this.taken || this.closed) return this.openSocket(handlers, false);
    this.taken = true;
    this.handlers = handlers;
    // After the caller has kept the channel (it ignores events of a socket it does not hold yet).
    if (this.opened) queueMicrotask(() => this.joinAndOpen(handlers));
    const socket = this.socket;
    return {
      send: (message: ClientMessage) => socket.send(message),
      close: () => socket.close(),
    };
  };

  private joinAndOpen(handlers: SignalingHandlers): void {
    if (this.closed) return;
    this.socket.send({ type: 'join' });
    handlers.onOpen();
  }
}
