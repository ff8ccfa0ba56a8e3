/*
 * The part of install.sh that is easier to get right in TypeScript: creates the node's env files
 * (once, filling generated secrets), then renders the Janus config and the firewall from them.
 *
 *   tsx infra/media-node/configure-node.ts [--root DIR] [--address IPV4] [--interface IFACE]
 *
 * --root is install.sh's --prefix: files are written below it, but what they refer to (Janus's
 * configs_folder) is the real path, so a staged tree is the tree a node runs. Existing values are
 * never overwritten; --address/--interface only fill empty ones. Secrets are never printed.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseEnvFile, setEnvValue } from './env-file.ts';
import { parseSources, renderFirewall } from './firewall.ts';
import { JANUS_CONFIG_FILES, renderJanusTemplate, rtpPortRange, websocketPorts } from './janus-config.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');

/** Where things live on a node (below --root). */
export const NODE_PATHS = {
  etc: '/etc/vident',
  janusConfigDir: '/etc/vident/janus',
  mediaNodeEnv: '/etc/vident/media-node.env',
  nodeEnv: '/etc/vident/node.env',
  firewall: '/etc/vident/nftables.conf',
} as const;

const Port = z.coerce.number().int().min(1).max(65535);

const NodeEnv = z.object({
  JANUS_ADDRESS: z.string().refine((v) => isIP(v) === 4, 'must be this node\'s IPv4 address (set it, or pass --address)'),
  JANUS_API_ADDRESS: z
    .string()
    .default('127.0.0.1')
    .refine((v) => isIP(v) === 4 && v !== '0.0.0.0', 'must be one IPv4 address of this host: loopback (127.0.0.1) or a private one, never every interface'),
  JANUS_ICE_INTERFACE: z.string().regex(/^[A-Za-z0-9_.:@-]{1,15}$/, 'must be a network interface name (set it, or pass --interface)'),
  JANUS_SERVER_NAME: z.string().optional(),
  JANUS_ADMIN_SECRET: z.string().min(16, 'must be at least 16 characters'),
  SSH_PORT: Port.default(22),
  CONTROL_PLANE_SOURCES: z.string().default(''),
  TURN_RELAY_SOURCES: z.string().default(''),
});

const MediaNodeEnv = z.object({
  JANUS_API_SECRET: z.string().min(16, 'must be at least 16 characters'),
  JANUS_ADMIN_KEY: z.string().min(16, 'must be at least 16 characters'),
  // The sidecar's own default (media-node/src/config.ts).
  SIDECAR_PORT: Port.default(7400),
});

/** Drops empty values so zod defaults apply, as the sidecar's loadConfig does. */
function nonEmpty(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
}

function parseOrExit<T extends z.ZodType>(schema: T, env: Record<string, string>, file: string): z.infer<T> {
  const parsed = schema.safeParse(nonEmpty(env));
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => {
    const key = String(i.path[0]);
    return env[key] ? `${key} ${i.message}` : `${key} is not set (it ${i.message})`;
  });
  throw new Error(`${file}: ${problems.join('; ')}`);
}

const secret = () => randomBytes(24).toString('hex');

/** The default route's interface and its first global IPv4 address, or nulls (read-only `ip` calls). */
function detectAddress(): { address: string | null; iface: string | null } {
  try {
    const route = execFileSync('ip', ['-4', 'route', 'show', 'default'], { encoding: 'utf8', timeout: 5_000 });
    const iface = /\bdev\s+(\S+)/.exec(route)?.[1] ?? null;
    if (!iface) return { address: null, iface: null };
    const addr = execFileSync('ip', ['-4', '-o', 'addr', 'show', 'dev', iface, 'scope', 'global'], { encoding: 'utf8', timeout: 5_000 });
    return { address: /\binet\s+(\d+\.\d+\.\d+\.\d+)\//.exec(addr)?.[1] ?? null, iface };
  } catch {
    return { address: null, iface: null };
  }
}

/** Writes through a temp file and a rename, so Janus or nft never read half a file. */
async function writeAtomic(file: string, text: string, mode: number): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, text, { mode });
  await chmod(tmp, mode);
  await rename(tmp, file);
}

/**
 * Creates an env file from its example if missing, then fills the given keys that are empty, or
 * that hold the value an older install filled in (`stale`: refilled once, on upgrade).
 */
async function ensureEnvFile(file: string, example: string, fill: Record<string, () => string | null>, stale: Record<string, string> = {}): Promise<Record<string, string>> {
  const created = !existsSync(file);
  let text = created ? await readFile(example, 'utf8') : await readFile(file, 'utf8');
  const before = text;
  for (const [key, value] of Object.entries(fill)) {
    const current = parseEnvFile(text)[key] ?? '';
    if (current !== '' && current !== stale[key]) continue;
    const v = value();
    if (v !== null) text = setEnvValue(text, key, v);
  }
  if (created || text !== before) await writeAtomic(file, text, 0o600);
  console.log(`[configure] ${file}: ${created ? 'created' : text !== before ? 'completed' : 'kept as it is'}`);
  return parseEnvFile(text);
}

export interface ConfigureOptions {
  root: string;
  address?: string;
  iface?: string;
}

/** Creates/completes the env files and renders the Janus config and the firewall below `root`. */
export async function configureNode(opts: ConfigureOptions): Promise<void> {
  const at = (p: string) => path.join(opts.root, p);
  await mkdir(at(NODE_PATHS.janusConfigDir), { recursive: true, mode: 0o750 });
  const templates = new Map<string, string>();
  for (const name of JANUS_CONFIG_FILES) templates.set(name, await readFile(path.join(REPO, 'janus-config', `${name}.template`), 'utf8'));
  const wsPort = websocketPorts(templates.get('janus.transport.websockets.jcfg')!);

  let detected: ReturnType<typeof detectAddress> | undefined;
  const detect = () => (detected ??= detectAddress());
  const nodeRaw = await ensureEnvFile(at(NODE_PATHS.nodeEnv), path.join(HERE, 'node.env.example'), {
    JANUS_ADDRESS: () => opts.address ?? detect().address,
    JANUS_ICE_INTERFACE: () => opts.iface ?? detect().iface,
    JANUS_ADMIN_SECRET: secret,
  });
  const node = parseOrExit(NodeEnv, nodeRaw, NODE_PATHS.nodeEnv);
  if (opts.address && opts.address !== node.JANUS_ADDRESS) console.log('[configure] node.env already sets JANUS_ADDRESS: --address ignored');
  if (opts.iface && opts.iface !== node.JANUS_ICE_INTERFACE) console.log('[configure] node.env already sets JANUS_ICE_INTERFACE: --interface ignored');

  const mediaRaw = await ensureEnvFile(at(NODE_PATHS.mediaNodeEnv), path.join(HERE, 'media-node.env.example'), {
    JANUS_API_SECRET: secret,
    JANUS_ADMIN_KEY: secret,
    JANUS_WS_URL: () => `ws://${node.JANUS_API_ADDRESS}:${wsPort.ws}`,
    // The command listener faces the control plane on the node's address; /metrics stays on loopback.
    SIDECAR_HOST: () => node.JANUS_ADDRESS,
  }, {
    // Before Janus's APIs moved off the public address, install.sh filled in that address.
    JANUS_WS_URL: `ws://${node.JANUS_ADDRESS}:${wsPort.ws}`,
  });
  const media = parseOrExit(MediaNodeEnv, mediaRaw, NODE_PATHS.mediaNodeEnv);
  // Janus's websocket API listens on JANUS_API_ADDRESS only: any other URL leaves the sidecar without Janus.
  const wsUrl = `ws://${node.JANUS_API_ADDRESS}:${wsPort.ws}`;
  if (mediaRaw.JANUS_WS_URL !== wsUrl) {
    throw new Error(`${NODE_PATHS.mediaNodeEnv}: JANUS_WS_URL must be ${wsUrl} (Janus listens on JANUS_API_ADDRESS only): fix it or empty it to have it filled`);
  }

  const values = {
    CONFIG_DIR: NODE_PATHS.janusConfigDir,
    SERVER_NAME: node.JANUS_SERVER_NAME || `vident-${os.hostname()}`,
    API_SECRET: media.JANUS_API_SECRET,
    ADMIN_SECRET: node.JANUS_ADMIN_SECRET,
    ADMIN_KEY: media.JANUS_ADMIN_KEY,
    ICE_INTERFACE: node.JANUS_ICE_INTERFACE,
    JANUS_ADDRESS: node.JANUS_ADDRESS,
    JANUS_API_ADDRESS: node.JANUS_API_ADDRESS,
  };
  const rendered = new Map<string, string>();
  for (const [name, template] of templates) {
    // The templates' own comments speak of the local stack; say where this copy comes from.
    const header = `# Rendered by infra/media-node/install.sh from janus-config/${name}.template and /etc/vident/*.env:\n# edit those and re-run install.sh, not this file.\n`;
    rendered.set(name, header + renderJanusTemplate(name, template, values));
  }
  for (const [name, text] of rendered) await writeAtomic(path.join(at(NODE_PATHS.janusConfigDir), name), text, 0o640);
  console.log(`[configure] ${at(NODE_PATHS.janusConfigDir)}: ${[...rendered.keys()].join(', ')}`);

  const firewall = renderFirewall(await readFile(path.join(HERE, 'nftables.conf'), 'utf8'), {
    rtpPorts: rtpPortRange(rendered.get('janus.jcfg')!),
    janusWsPorts: [wsPort.ws, wsPort.adminWs],
    sshPort: node.SSH_PORT,
    sidecarPort: media.SIDECAR_PORT,
    controlPlaneSources: parseSources(node.CONTROL_PLANE_SOURCES),
    turnRelaySources: parseSources(node.TURN_RELAY_SOURCES, 'TURN_RELAY_SOURCES'),
  });
  await writeAtomic(at(NODE_PATHS.firewall), firewall, 0o640);
  console.log(`[configure] ${at(NODE_PATHS.firewall)}: ssh ${node.SSH_PORT}, sidecar ${media.SIDECAR_PORT}, media ${values.JANUS_ADDRESS} (TCP only${node.TURN_RELAY_SOURCES.trim() ? ', UDP with the TURN relays' : ''})`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { root: { type: 'string', default: '/' }, address: { type: 'string' }, interface: { type: 'string' } },
  });
  await configureNode({ root: path.resolve(values.root!), address: values.address, iface: values.interface });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(`[configure] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
