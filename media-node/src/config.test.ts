import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const required = {
  NODE_SIGNING_KEY_FILE: '/etc/vident/node-key.pem',
  CONTROL_PLANE_PUBLIC_KEY: 'cu2yNVZYBJGij6ZML+5t4AdKj/RP6tdkYeXtYDdRr3M=',
  JANUS_WS_URL: 'ws://10.213.7.1:8188',
  JANUS_API_SECRET: 'api-secret',
  JANUS_ADMIN_KEY: 'admin-key',
  RECORDINGS_DIR: '/tmp/rec',
};

function errorOf(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('applies local defaults', () => {
    const config = loadConfig(required);
    expect(config).toMatchObject({
      CONTROL_PLANE_URL: 'http://127.0.0.1:8787',
      NODE_ID: 'local-1',
      NODE_PUBLIC_URL: 'http://127.0.0.1:7400',
      SIDECAR_HOST: '127.0.0.1',
      SIDECAR_PORT: 7400,
      NODE_CAPACITY: 20,
      HEARTBEAT_INTERVAL_MS: 5000,
      LOG_LEVEL: 'info',
    });
  });

  it.each(Object.keys(required))('names the missing required variable %s', (name) => {
    const message = errorOf({ ...required, [name]: undefined });
    expect(message).toContain(`${name}: is required`);
  });

  it('treats empty strings as unset', () => {
    expect(errorOf({ ...required, CONTROL_PLANE_PUBLIC_KEY: '' })).toContain('CONTROL_PLANE_PUBLIC_KEY: is required');
    expect(loadConfig({ ...required, SIDECAR_PORT: '' }).SIDECAR_PORT).toBe(7400);
  });

  it('names each invalid variable without echoing secret values', () => {
    const message = errorOf({
      ...required,
      CONTROL_PLANE_PUBLIC_KEY: 'short-secret',
      NODE_SIGNING_KEY_FILE: 'relative/key.pem',
      SIDECAR_PORT: '99999',
      JANUS_WS_URL: 'http://10.213.7.1:8188',
      NODE_ID: 'Bad_Id',
      RECORDINGS_DIR: 'relative/dir',
      HEARTBEAT_INTERVAL_MS: 'often',
      LOG_LEVEL: 'loud',
    });
    for (const name of ['CONTROL_PLANE_PUBLIC_KEY', 'NODE_SIGNING_KEY_FILE', 'SIDECAR_PORT', 'JANUS_WS_URL', 'NODE_ID', 'RECORDINGS_DIR', 'HEARTBEAT_INTERVAL_MS', 'LOG_LEVEL']) {
      expect(message).toContain(`${name}:`);
    }
    expect(message).not.toContain('short-secret');
  });

  it('coerces numbers', () => {
    const config = loadConfig({ ...required, SIDECAR_PORT: '7401', NODE_CAPACITY: '5', HEARTBEAT_INTERVAL_MS: '250' });
    expect([config.SIDECAR_PORT, config.NODE_CAPACITY, config.HEARTBEAT_INTERVAL_MS]).toEqual([7401, 5, 250]);
  });
});

describe('upload settings', () => {
  it('defaults to 8 MiB parts, no rate limit and a 5 s rescan', () => {
    expect(loadConfig(required)).toMatchObject({ UPLOAD_PART_SIZE: 8 * 1024 * 1024, UPLOAD_MAX_BYTES_PER_SECOND: 0, OUTBOX_SCAN_INTERVAL_MS: 5000 });
  });

  it('refuses parts below the 5 MiB object storage minimum, naming the variable', () => {
    expect(errorOf({ ...required, UPLOAD_PART_SIZE: String(5 * 1024 * 1024 - 1) })).toContain('UPLOAD_PART_SIZE: must be at least 5242880');
    expect(loadConfig({ ...required, UPLOAD_PART_SIZE: String(5 * 1024 * 1024) }).UPLOAD_PART_SIZE).toBe(5 * 1024 * 1024);
  });

  it('refuses a rate so low that a signed part request would expire before its body is sent', () => {
    const message = errorOf({ ...required, UPLOAD_PART_SIZE: String(8 * 1024 * 1024), UPLOAD_MAX_BYTES_PER_SECOND: '10000' });
    expect(message).toContain('UPLOAD_MAX_BYTES_PER_SECOND: one UPLOAD_PART_SIZE part would take 839 s');
    expect(loadConfig({ ...required, UPLOAD_MAX_BYTES_PER_SECOND: '1048576' }).UPLOAD_MAX_BYTES_PER_SECOND).toBe(1048576);
  });

  it('names invalid numbers', () => {
    const message = errorOf({ ...required, UPLOAD_MAX_BYTES_PER_SECOND: '-1', OUTBOX_SCAN_INTERVAL_MS: 'soon' });
    expect(message).toContain('UPLOAD_MAX_BYTES_PER_SECOND:');
    expect(message).toContain('OUTBOX_SCAN_INTERVAL_MS:');
  });

  it('reads the fleet settings: region (default "default"), media address, Janus pid file', () => {
    const defaults = loadConfig(required);
    expect([defaults.NODE_REGION, defaults.NODE_MEDIA_ADDRESS, defaults.JANUS_PID_FILE]).toEqual(['default', undefined, undefined]);
    expect(loadConfig({ ...required, NODE_REGION: 'kr-1', NODE_MEDIA_ADDRESS: '203.0.113.7', JANUS_PID_FILE: '/run/janus.pid' })).toMatchObject({
      NODE_REGION: 'kr-1',
      NODE_MEDIA_ADDRESS: '203.0.113.7',
      JANUS_PID_FILE: '/run/janus.pid',
    });
    expect(errorOf({ ...required, NODE_REGION: 'Seoul Region' })).toContain('NODE_REGION');
    expect(errorOf({ ...required, JANUS_PID_FILE: 'janus.pid' })).toContain('JANUS_PID_FILE');
  });
});
