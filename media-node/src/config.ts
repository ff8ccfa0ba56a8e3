import { z } from 'zod';
import { NodeId } from '@vident/protocol';

const Port = z.coerce.number().int().min(1).max(65535);

const ConfigSchema = z.object({
  CONTROL_PLANE_URL: z.url().default('http://127.0.0.1:8787'),
  NODE_ID: NodeId.default('local-1'),
  NODE_SECRET: z.string().min(16, 'must be at least 16 characters'),
  NODE_PUBLIC_URL: z.url().default('http://127.0.0.1:7400'),
  SIDECAR_HOST: z.string().min(1).default('127.0.0.1'),
  SIDECAR_PORT: Port.default(7400),
  NODE_CAPACITY: z.coerce.number().int().positive().max(10_000).default(20),
  JANUS_WS_URL: z.url().refine((u) => /^wss?:\/\//.test(u), 'must be a ws:// or wss:// URL'),
  JANUS_API_SECRET: z.string().min(1),
  JANUS_ADMIN_KEY: z.string().min(1),
  RECORDINGS_DIR: z.string().min(1).refine((p) => p.startsWith('/'), 'must be an absolute path'),
  HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
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
  for (const key of Object.keys(ConfigSchema.shape)) {
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
