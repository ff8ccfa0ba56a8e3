import { z } from 'zod';
import { DEFAULT_REGION, Ed25519PublicKey, MAX_PART_SIZE, MIN_PART_SIZE, NodeId, Region, SIGNATURE_WINDOW_SECONDS } from '@vident/protocol';

const Port = z.coerce.number().int().min(1).max(65535);

/** A part must arrive well within the signature window: its request is signed before its body is sent. */
const MAX_PART_SECONDS = SIGNATURE_WINDOW_SECONDS / 2;

const Fields = z.object({
  CONTROL_PLANE_URL: z.url().default('http://127.0.0.1:8787'),
  NODE_ID: z._default(NodeId, 'local-1'),
  /** This node's Ed25519 private key (PKCS#8 PEM, from install.sh), readable by the sidecar only; its public half is enrolled. */
  NODE_SIGNING_KEY_FILE: z.string().refine((p) => p.startsWith('/'), 'must be an absolute path'),
  /** The control plane's command-signing public key (base64), pinned: a command signed otherwise is refused. */
  CONTROL_PLANE_PUBLIC_KEY: Ed25519PublicKey,
  NODE_PUBLIC_URL: z.url().default('http://127.0.0.1:7400'),
  SIDECAR_HOST: z.string().min(1).default('127.0.0.1'),
  SIDECAR_PORT: Port.default(7400),
  /** GET /metrics listens here, never on the command listener; the default keeps it on this host. */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  METRICS_PORT: Port.default(7401),
  NODE_CAPACITY: z.coerce.number().int().positive().max(10_000).default(20),
  /** Placement region; sessions asking for it prefer this node. */
  NODE_REGION: z._default(Region, DEFAULT_REGION),
  /** The Janus host's public media address (shown to operators); unset = not reported. */
  NODE_MEDIA_ADDRESS: z.string().min(1).max(255).optional(),
  /** Janus's pid file: lets the sidecar report Janus's CPU use from /proc; unset = reported as 0. */
  JANUS_PID_FILE: z.string().refine((p) => p.startsWith('/'), 'must be an absolute path').optional(),
  JANUS_WS_URL: z.url().refine((u) => /^wss?:\/\//.test(u), 'must be a ws:// or wss:// URL'),
  JANUS_API_SECRET: z.string().min(1),
  JANUS_ADMIN_KEY: z.string().min(1),
  RECORDINGS_DIR: z.string().min(1).refine((p) => p.startsWith('/'), 'must be an absolute path'),
  HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  UPLOAD_PART_SIZE: z.coerce
    .number()
    .int()
    .min(MIN_PART_SIZE, `must be at least ${MIN_PART_SIZE} bytes (object storage's smallest part)`)
    .max(MAX_PART_SIZE)
    .default(8 * 1024 * 1024),
  /** 0 = unlimited. Caps evidence uploads so they never starve live calls. */
  UPLOAD_MAX_BYTES_PER_SECOND: z.coerce.number().int().min(0).default(0),
  /** Conversions of one recording segment before its raw files are sealed as they are (or purged without a bank key). */
  RECORDING_CONVERT_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(4),
  /** Wait before the first retry of a failed conversion; each next wait is 4x longer (5 s, 20 s, 80 s). */
  RECORDING_RETRY_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
  OUTBOX_SCAN_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
});

const ConfigSchema = Fields.superRefine((c, ctx) => {
  const seconds = c.UPLOAD_MAX_BYTES_PER_SECOND > 0 ? c.UPLOAD_PART_SIZE / c.UPLOAD_MAX_BYTES_PER_SECOND : 0;
  if (seconds > MAX_PART_SECONDS) {
    ctx.addIssue({
      code: 'custom',
      path: ['UPLOAD_MAX_BYTES_PER_SECOND'],
      message: `one UPLOAD_PART_SIZE part would take ${Math.ceil(seconds)} s, more than the ${MAX_PART_SECONDS} s a signed request stays valid; at least ${Math.ceil(c.UPLOAD_PART_SIZE / MAX_PART_SECONDS)}, or 0 for unlimited`,
    });
  }
});

/** The media node's configuration, parsed once at start. */
export type MediaNodeConfig = z.infer<typeof ConfigSchema>;

/** Thrown when the environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses the environment. Empty strings count as unset so `FOO=` falls back to the default.
 * Never echoes values (some are secrets).
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): MediaNodeConfig {
  const input: Record<string, string> = {};
  for (const key of Object.keys(Fields.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = ConfigSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '(env)');
      const missing = input[name] === undefined;
      return `${name}: ${missing ? 'is required' : issue.message}`;
    });
    throw new ConfigError(`invalid media-node configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}
