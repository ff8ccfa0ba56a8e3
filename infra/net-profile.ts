/*
 * Network profiles on a Janus host's veth pair (infra/janus-host.ts): a customer's bad path made
 * with what this kernel has (no netem here): an htb bandwidth cap on each end's egress (with a
 * bounded queue, so a cap also brings the queueing delay a real bottleneck has) and an nftables
 * table in the namespace that drops a share of the packets crossing the veth with
 * `numgen random`. Janus's API ports are spared (the sidecar's link to Janus is not the customer's
 * path). Only the input rule makes wire loss: a TCP segment Janus sends that the output hook drops is
 * a local send failure its TCP simply sends again (checked: 44 such drops, 0 retransmissions), so a
 * loss profile loses what the browsers send to Janus, not what Janus sends them. Every name is unique per application; removal is idempotent and also runs when the process
 * exits, so a failing test or bench leaves no qdisc and no table behind.
 *
 * Used by the e2e tests and the bench. Also a CLI (root):
 *   tsx infra/net-profile.ts apply <namespace> <clean|3g|lossy|congested> [--loss <percent>]
 *     (stays applied until `remove`; prints what it made)
 *   tsx infra/net-profile.ts remove <namespace>     # every profile of this module on that namespace
 * Only on namespaces this repository's code created (`vident-*` of janus-host.ts, or a test's own).
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A bad path as numbers: a bandwidth cap in kbit/s and/or a loss share in percent (each direction). */
export interface NetProfile {
  rateKbit?: number;
  lossPercent?: number;
}

export const NET_PROFILES = {
  /** Nothing applied: the baseline. */
  clean: {},
  /** A 3G uplink/downlink: 1.5 Mbit/s. */
  '3g': { rateKbit: 1500 },
  /** 2 % of packets dropped each way. */
  lossy: { lossPercent: 2 },
  /** 1 Mbit/s and 1 % loss. */
  congested: { rateKbit: 1000, lossPercent: 1 },
} as const satisfies Record<string, NetProfile>;

export type NetProfileName = keyof typeof NET_PROFILES;

export function isNetProfileName(name: string): name is NetProfileName {
  return Object.hasOwn(NET_PROFILES, name);
}

/** Where a profile goes: a namespace of ours and its veth pair. */
export interface NetPath {
  namespace: string;
  /** The veth end inside the namespace (Janus's). */
  innerInterface: string;
  /** The other end, in the root namespace. */
  outerInterface: string;
  /** TCP ports inside the namespace left untouched (Janus's API: the sidecar's link, not the customer's). */
  sparePorts?: readonly number[];
}

export interface AppliedProfile {
  /** The nftables table (inet, in the namespace) and the htb root handle, both unique to this application. */
  readonly nftTable: string | null;
  readonly qdiscHandle: string | null;
  /** Packets the loss rule dropped so far (0 without loss). */
  dropped(): Promise<number>;
  /** Idempotent; never throws for what is already gone (a deleted namespace took everything with it). */
  remove(): Promise<void>;
}

/** The table's name prefix: `remove` from the CLI deletes every table of this prefix in a namespace. */
const TABLE_PREFIX = 'vident_np_';
/** Largest GSO packet while a profile is on, so a drop or a queue slot is one wire packet, not a 64 KB burst. */
const WIRE_GSO = 1500;
/** The htb queue holds this much time of the capped rate: a bottleneck's delay, not a 1000-packet bloat. */
const QUEUE_SECONDS = 0.3;

function run(cmd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: 10_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${(stderr || err.message).trim()}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** The loss table: a named counter and one drop rule per direction, the spared ports accepted first. */
export function lossRuleset(table: string, iface: string, lossPercent: number, sparePorts: readonly number[]): string {
  const spare = sparePorts.length > 0 ? `{ ${sparePorts.join(', ')} }` : null;
  const threshold = Math.round(lossPercent);
  return [
    `table inet ${table} {`,
    '  counter dropped {',
    '  }',
    '  chain input {',
    '    type filter hook input priority -10; policy accept;',
    ...(spare ? [`    iifname "${iface}" tcp dport ${spare} accept`] : []),
    `    iifname "${iface}" numgen random mod 100 < ${threshold} counter name dropped drop`,
    '  }',
    '  chain output {',
    '    type filter hook output priority -10; policy accept;',
    ...(spare ? [`    oifname "${iface}" tcp sport ${spare} accept`] : []),
    `    oifname "${iface}" numgen random mod 100 < ${threshold} counter name dropped drop`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/**
 * tc commands (argument lists, without `tc` and the namespace) for an htb cap on `iface`'s egress:
 * the spared ports (as source on the inner end, destination on the outer one) in an uncapped class,
 * everything else in the capped class with a queue of QUEUE_SECONDS of the rate.
 */
export function shapingCommands(iface: string, handle: string, rateKbit: number, sparePorts: readonly number[], spareMatch: 'sport' | 'dport'): string[][] {
  const dev = ['dev', iface];
  const queueBytes = Math.max(15_000, Math.round((rateKbit * 1000 * QUEUE_SECONDS) / 8));
  const commands = [
    ['qdisc', 'add', ...dev, 'root', 'handle', `${handle}:`, 'htb', 'default', '10'],
    ['class', 'add', ...dev, 'parent', `${handle}:`, 'classid', `${handle}:1`, 'htb', 'rate', '10gbit'],
    ['class', 'add', ...dev, 'parent', `${handle}:1`, 'classid', `${handle}:10`, 'htb', 'rate', `${rateKbit}kbit`, 'ceil', `${rateKbit}kbit`, 'burst', '15k'],
    ['qdisc', 'add', ...dev, 'parent', `${handle}:10`, 'bfifo', 'limit', String(queueBytes)],
    ['class', 'add', ...dev, 'parent', `${handle}:1`, 'classid', `${handle}:20`, 'htb', 'rate', '10gbit'],
  ];
  for (const port of sparePorts) {
    commands.push(['filter', 'add', ...dev, 'parent', `${handle}:`, 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', spareMatch, String(port), '0xffff', 'flowid', `${handle}:20`]);
  }
  return commands;
}

/** A random htb major handle (hex, 4 digits, never 0 or ffff), unique enough per machine and run. */
function newHandle(): string {
  return (0x1000 + (randomBytes(2).readUInt16BE() % 0xe000)).toString(16);
}

/** Runs tc in the namespace (inner end) or the root namespace (outer end). */
function tc(namespace: string | null, args: string[]): Promise<string> {
  return namespace === null ? run('tc', args) : run('ip', ['netns', 'exec', namespace, 'tc', ...args]);
}

function ipLink(namespace: string | null, args: string[]): Promise<string> {
  return run('ip', [...(namespace === null ? [] : ['-n', namespace]), 'link', ...args]);
}

async function gsoMaxSize(namespace: string | null, iface: string): Promise<number> {
  const [link] = JSON.parse(await run('ip', [...(namespace === null ? [] : ['-n', namespace]), '-d', '-j', 'link', 'show', iface])) as Array<{ gso_max_size?: number }>;
  return link?.gso_max_size ?? 65536;
}

const live = new Set<() => void>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers cannot await: the last-resort removal is synchronous.
  process.once('exit', () => {
    for (const cleanup of live) cleanup();
  });
}

/**
 * Applies `profile` to `netPath` (both directions). Apply it before the connections it should
 * affect open: a TCP socket keeps the GSO size it started with. On any failure, whatever was made
 * is removed before the error is thrown.
 */
export async function applyNetProfile(netPath: NetPath, profile: NetProfile): Promise<AppliedProfile> {
  const { namespace, innerInterface, outerInterface } = netPath;
  const spare = netPath.sparePorts ?? [];
  const id = randomBytes(3).toString('hex');
  const nftTable = profile.lossPercent ? `${TABLE_PREFIX}${id}` : null;
  const qdiscHandle = profile.rateKbit ? newHandle() : null;
  const ends = [
    { ns: namespace, iface: innerInterface, match: 'sport' as const },
    { ns: null, iface: outerInterface, match: 'dport' as const },
  ];
  const restoreGso: Array<{ ns: string | null; iface: string; size: number }> = [];
  let tableMade = false;
  const qdiscsMade: Array<{ ns: string | null; iface: string }> = [];

  const removeSync = () => {
    const quiet = { stdio: 'ignore' as const, timeout: 5_000 };
    const ignore = (f: () => void) => {
      try {
        f();
      } catch {
        /* already gone */
      }
    };
    if (tableMade) ignore(() => execFileSync('ip', ['netns', 'exec', namespace, 'nft', 'delete', 'table', 'inet', nftTable!], quiet));
    for (const q of qdiscsMade) {
      const args = ['qdisc', 'del', 'dev', q.iface, 'root', 'handle', `${qdiscHandle}:`];
      ignore(() => execFileSync(q.ns === null ? 'tc' : 'ip', q.ns === null ? args : ['netns', 'exec', q.ns, 'tc', ...args], quiet));
    }
    for (const g of restoreGso) ignore(() => execFileSync('ip', [...(g.ns === null ? [] : ['-n', g.ns]), 'link', 'set', g.iface, 'gso_max_size', String(g.size)], quiet));
    tableMade = false;
    qdiscsMade.length = 0;
    restoreGso.length = 0;
  };

  let removing: Promise<void> | undefined;
  const remove = (): Promise<void> => {
    removing ??= (async () => {
      live.delete(removeSync);
      if (tableMade) {
        await run('ip', ['netns', 'exec', namespace, 'nft', 'delete', 'table', 'inet', nftTable!]).catch(() => undefined);
        tableMade = false;
      }
      for (const q of qdiscsMade.splice(0)) {
        await tc(q.ns, ['qdisc', 'del', 'dev', q.iface, 'root', 'handle', `${qdiscHandle}:`]).catch(() => undefined);
      }
      for (const g of restoreGso.splice(0)) await ipLink(g.ns, ['set', g.iface, 'gso_max_size', String(g.size)]).catch(() => undefined);
    })();
    return removing;
  };

  installExitHook();
  live.add(removeSync);
  try {
    if (nftTable !== null || qdiscHandle !== null) {
      for (const end of ends) {
        const size = await gsoMaxSize(end.ns, end.iface);
        if (size === WIRE_GSO) continue;
        restoreGso.push({ ns: end.ns, iface: end.iface, size });
        await ipLink(end.ns, ['set', end.iface, 'gso_max_size', String(WIRE_GSO)]);
      }
    }
    if (qdiscHandle !== null) {
      for (const end of ends) {
        const [first, ...rest] = shapingCommands(end.iface, qdiscHandle, profile.rateKbit!, spare, end.match);
        await tc(end.ns, first!);
        qdiscsMade.push({ ns: end.ns, iface: end.iface });
        for (const args of rest) await tc(end.ns, args);
      }
    }
    if (nftTable !== null) {
      await run('ip', ['netns', 'exec', namespace, 'nft', '-f', '-'], lossRuleset(nftTable, innerInterface, profile.lossPercent!, spare));
      tableMade = true;
    }
  } catch (err) {
    removeSync();
    live.delete(removeSync);
    throw err;
  }

  return {
    nftTable,
    qdiscHandle,
    async dropped() {
      if (nftTable === null) return 0;
      const out = await run('ip', ['netns', 'exec', namespace, 'nft', 'list', 'counter', 'inet', nftTable, 'dropped']).catch(() => '');
      return Number(/packets (\d+)/.exec(out)?.[1] ?? 0);
    },
    remove,
  };
}

/** The veth pair janus-host.ts makes for namespace `vident-<id>`. */
export function janusHostVeth(namespace: string): { innerInterface: string; outerInterface: string } {
  const id = /^vident-([0-9a-f]{6})$/.exec(namespace)?.[1];
  if (!id) throw new Error(`${namespace} is not a namespace of infra/janus-host.ts (vident-<6 hex>)`);
  return { innerInterface: `vjh${id}j`, outerInterface: `vjh${id}h` };
}

/** Janus's API ports (websockets, admin websockets) in janus-host.ts's config. */
export const JANUS_API_PORTS = [8188, 7188] as const;

/** Removes every profile of this module on a Janus host's namespace: its tables, our htb roots, GSO back to 64 KB. */
export async function removeAllProfiles(namespace: string): Promise<string[]> {
  const { innerInterface, outerInterface } = janusHostVeth(namespace);
  const removed: string[] = [];
  const tables = await run('ip', ['netns', 'exec', namespace, 'nft', 'list', 'tables']);
  for (const m of tables.matchAll(new RegExp(`table inet (${TABLE_PREFIX}[0-9a-f]+)`, 'g'))) {
    await run('ip', ['netns', 'exec', namespace, 'nft', 'delete', 'table', 'inet', m[1]!]);
    removed.push(`nft table ${m[1]}`);
  }
  for (const [ns, iface] of [[namespace, innerInterface], [null, outerInterface]] as const) {
    const shown = await tc(ns, ['qdisc', 'show', 'dev', iface]);
    if (/qdisc htb [0-9a-f]+: root/.test(shown)) {
      await tc(ns, ['qdisc', 'del', 'dev', iface, 'root']);
      removed.push(`htb on ${iface}`);
    }
    await ipLink(ns, ['set', iface, 'gso_max_size', '65536']);
  }
  return removed;
}

async function main(argv: string[]): Promise<void> {
  const [verb, namespace, name] = argv;
  if (verb === 'remove' && namespace) {
    const removed = await removeAllProfiles(namespace);
    console.log(removed.length ? `removed: ${removed.join(', ')}` : 'nothing to remove');
    return;
  }
  if (verb === 'apply' && namespace && name && isNetProfileName(name)) {
    const lossAt = argv.indexOf('--loss');
    const profile: NetProfile = { ...NET_PROFILES[name], ...(lossAt > 0 ? { lossPercent: Number(argv[lossAt + 1]) } : {}) };
    const applied = await applyNetProfile({ namespace, ...janusHostVeth(namespace), sparePorts: JANUS_API_PORTS }, profile);
    // The CLI leaves it applied on purpose: the exit hook is for tests and the bench.
    live.clear();
    console.log(JSON.stringify({ namespace, profile: name, ...profile, nftTable: applied.nftTable, qdiscHandle: applied.qdiscHandle }));
    return;
  }
  throw new Error(`usage: tsx infra/net-profile.ts apply <namespace> <${Object.keys(NET_PROFILES).join('|')}> [--loss <percent>] | remove <namespace>`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
