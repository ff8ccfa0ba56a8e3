import { describe, expect, it } from 'vitest';
import type { ClientMessage } from '@vident/protocol';
import type { SignalingHandlers } from './signaling-socket.ts';
import { StandbySocket } from './standby-socket.ts';

/** Sockets as the opener made them: whether on standby, what was sent, and a way to drive their events. */
function fakeSockets() {
  const made: { standby: boolean; handlers: SignalingHandlers; sent: ClientMessage[]; open: boolean; closed: boolean }[] = [];
  const openSocket = (handlers: SignalingHandlers, standby: boolean) => {
    const socket = { standby, handlers, sent: [] as ClientMessage[], open: false, closed: false };
    made.push(socket);
    return {
      send: (message: ClientMessage) => (socket.open ? (socket.sent.push(message), true) : false),
      close: () => {
        socket.closed = true;
      },
    };
  };
  const opened = (i: number) => {
    made[i]!.open = true;
    made[i]!.handlers.onOpen();
  };
  return { made, openSocket, opened };
}

function recorder() {
  const events: string[] = [];
  const handlers: SignalingHandlers = {
    onOpen: () => events.push('open'),
    onMessage: (m) => events.push(m.type),
    onClose: (code) => events.push(`close ${code}`),
  };
  return { events, handlers };
}

describe('StandbySocket (connect-then-join)', () => {
  it('opens on standby at once and joins on it when the call takes it before it opened', () => {
    const sockets = fakeSockets();
    const standby = new StandbySocket(sockets.openSocket);
    expect(sockets.made.map((s) => s.standby)).toEqual([true]);
    const { events, handlers } = recorder();
    const channel = standby.open(handlers);
    expect(sockets.made).toHaveLength(1);
    expect(events).toEqual([]);
    sockets.opened(0);
    // `join` leaves before the connection hears the socket is open (and may send its own frames).
    expect(sockets.made[0]!.sent).toEqual([{ type: 'join' }]);
    expect(events).toEqual(['open']);
    expect(channel.send({ type: 'hang-up' })).toBe(true);
    expect(sockets.made[0]!.sent).toEqual([{ type: 'join' }, { type: 'hang-up' }]);
    sockets.made[0]!.handlers.onMessage({ type: 'subscribed' });
    sockets.made[0]!.handlers.onClose(1006);
    expect(events).toEqual(['open', 'subscribed', 'close 1006']);
  });

  it('joins at once on a socket already open, telling the caller after it has kept the channel', async () => {
    const sockets = fakeSockets();
    const standby = new StandbySocket(sockets.openSocket);
    sockets.opened(0);
    expect(sockets.made[0]!.sent).toEqual([]);
    const { events, handlers } = recorder();
    standby.open(handlers);
    expect(events).toEqual([]);
    await Promise.resolve();
    expect(sockets.made[0]!.sent).toEqual([{ type: 'join' }]);
    expect(events).toEqual(['open']);
  });

  it('opens a plain socket when the standby one closed before the click, and for every reconnect', () => {
    const sockets = fakeSockets();
    const standby = new StandbySocket(sockets.openSocket);
    sockets.made[0]!.handlers.onClose(4003);
    const first = recorder();
    standby.open(first.handlers);
    expect(first.events).toEqual([]);
    expect(sockets.made.map((s) => s.standby)).toEqual([true, false]);
    sockets.opened(1);
    expect(sockets.made[1]!.sent).toEqual([]);
    expect(first.events).toEqual(['open']);
    standby.open(recorder().handlers);
    expect(sockets.made.map((s) => s.standby)).toEqual([true, false, false]);
  });
});
