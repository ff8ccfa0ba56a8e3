/*
 * The KEY=VALUE env files under /etc/vident, read by systemd (EnvironmentFile=) and by
 * configure-node.ts. Only the subset of systemd's syntax vident writes: one assignment a line,
 * `#` or `;` comments, optional single or double quotes around a value.
 */

/** Parses an env file. Later assignments win, as with systemd. */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2]!;
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2]!;
    env[m[1]!] = value;
  }
  return env;
}

/**
 * Sets `KEY=value` on the line that assigns KEY (keeping every comment and the order), or appends
 * it. Used to fill generated secrets into a copy of an example file.
 */
export function setEnvValue(text: string, key: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`${key}: a value cannot contain a line break`);
  const line = new RegExp(`^${key}\\s*=.*$`, 'm');
  if (line.test(text)) return text.replace(line, () => `${key}=${value}`);
  return `${text.endsWith('\n') || text === '' ? text : `${text}\n`}${key}=${value}\n`;
}
