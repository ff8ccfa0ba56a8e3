import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/*
 * Real network cuts for reconnect tests: the kernel destroys chosen TCP sockets (`ss -K`, which
 * needs INET_DIAG_DESTROY and root). The socket's owner sees ECONNABORTED, the peer gets a RST,
 * exactly as with a dropped connection; no page hook is involved.
 */

/** One established TCP socket on the host, with the pids that hold it. */
export interface TcpSocket {
  local: string;
  localPort: number;
  peer: string;
  peerPort: number;
  pids: number[];
}

/** `pid` and all its descendants (Chromium's network service runs as a child of the browser). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // The command name may hold spaces and parentheses: fields resume after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const out: number[] = [];
  const todo = [pid];
  while (todo.length > 0) {
    const next = todo.pop()!;
    out.push(next);
    todo.push(...(children.get(next) ?? []));
  }
  return out;
}

/** Established TCP sockets held by any of `pids`. */
export function tcpSocketsOf(pids: readonly number[]): TcpSocket[] {
  const wanted = new Set(pids);
  const text = execFileSync('ss', ['-tnpH', 'state', 'established'], { encoding: 'utf8' });
  const sockets: TcpSocket[] = [];
  for (const line of text.split('\n')) {
    // With a state filter ss omits the State column: Recv-Q Send-Q Local Peer Process.
    const cols = line.trim().split(/\s+/);
    if (cols.length < 5) continue;
    const owners = [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
    if (!owners.some((p) => wanted.has(p))) continue;
    const [local, localPort] = splitAddress(cols[2]!);
    const [peer, peerPort] = splitAddress(cols[3]!);
    sockets.push({ local, localPort, peer, peerPort, pids: owners });
  }
  return sockets;
}

/** Destroys exactly these sockets (by their 4-tuple); returns how many ss reported killed. */
export function cutSockets(sockets: readonly TcpSocket[]): number {
  let killed = 0;
  for (const s of sockets) {
    const out = execFileSync('ss', ['-tnHK', 'src', `${s.local}:${s.localPort}`, 'dst', `${s.peer}:${s.peerPort}`], { encoding: 'utf8' });
    killed += out.split('\n').filter((l) => l.trim() !== '').length;
  }
  return killed;
}

/**
 * Which of `sockets` are still established (same 4-tuple). A cut is checked with this rather than by
 * the count `cutSockets` reports: an idle keep-alive connection or a pruned ICE-TCP pair may close by
 * itself between the listing and the cut, and is then gone just as well.
 */
export function stillEstablished(sockets: readonly TcpSocket[]): TcpSocket[] {
  const now = tcpSocketsOf(sockets.flatMap((s) => s.pids));
  return sockets.filter((s) => now.some((n) => n.local === s.local && n.localPort === s.localPort && n.peer === s.peer && n.peerPort === s.peerPort));
}

function splitAddress(text: string): [string, number] {
  const i = text.lastIndexOf(':');
  return [text.slice(0, i).replace(/^\[|\]$/g, ''), Number(text.slice(i + 1))];
}
