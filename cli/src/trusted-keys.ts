/*
 * The evidence signing keys this back office trusts. A pack carries a copy of the key it was
 * signed with, but whoever can alter the pack can alter that copy too: a pack is only valid under a
 * key pinned here (or given with --signing-key). The first download pins the control plane's key
 * (trust on first use, fetched over the API, never taken from a pack); a later key, after a
 * rotation, is pinned only by an explicit `vident evidence pin-key`.
 *
 *   <config dir>/signing-keys.json   [{ keyId, publicKey, pinnedAt }]   (mode 0600)
 *   config dir: VIDENT_CONFIG_DIR, else $XDG_CONFIG_HOME/vident, else ~/.config/vident
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { EvidenceSigningKey, fromBase64, signingKeyId } from '@vident/protocol';
import { z } from 'zod';

const PinnedKey = z.object({ keyId: z.string(), publicKey: z.string(), pinnedAt: z.string() });
export type PinnedKey = z.infer<typeof PinnedKey>;
const PinnedKeys = z.array(PinnedKey);

type Env = Record<string, string | undefined>;

/** Where the pinned keys live for this user (or VIDENT_CONFIG_DIR). */
export function trustedKeysFile(env: Env = process.env): string {
  const dir = env.VIDENT_CONFIG_DIR || join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'vident');
  return join(dir, 'signing-keys.json');
}

export class TrustedSigningKeys {
  constructor(readonly file: string) {}

  /** Every pinned key; none when the file does not exist yet. A damaged file is an error, never "none". */
  list(): PinnedKey[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const parsed = PinnedKeys.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${this.file} is not a list of pinned signing keys`);
    return parsed.data;
  }

  /** The pinned public key (base64) with this key id, if any. */
  find(keyId: string): string | undefined {
    return this.list().find((k) => k.keyId === keyId)?.publicKey;
  }

  /**
   * Pins a key after checking that its id is the SHA-256 of the key itself (a mislabelled key
   * would be found under the wrong id). Returns false if it was pinned already.
   */
  async pin(key: EvidenceSigningKey, now = new Date()): Promise<boolean> {
    if ((await signingKeyId(fromBase64(key.publicKey))) !== key.keyId) throw new Error(`signing key ${key.keyId} does not match its public key`);
    const keys = this.list();
    if (keys.some((k) => k.keyId === key.keyId)) return false;
    keys.push({ keyId: key.keyId, publicKey: key.publicKey, pinnedAt: now.toISOString() });
    mkdirSync(join(this.file, '..'), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.file);
    return true;
  }
}
