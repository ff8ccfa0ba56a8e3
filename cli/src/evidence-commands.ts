import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createBankClient, EvidenceSigningKey, fromBase64, signingKeyId } from '@vident/protocol';
import { bankCredentials, baseUrlOf } from './credentials.ts';
import { decryptPackDir, downloadPack, packSigningKeyId, verifyPackDir } from './evidence-pack-files.ts';
import { trustedKeysFile, TrustedSigningKeys } from './trusted-keys.ts';
import { UsageError } from './usage-error.ts';

export const evidenceUsage = `  vident evidence download <sessionId> --out <dir> [--state-dir <dir>]
  vident evidence verify <dir> [--signing-key <base64 Ed25519 public key>]
  vident evidence decrypt <dir> --key <bank-private-key.pem> [--out <dir>] [--signing-key <base64>]
  vident evidence pin-key [--signing-key <base64>]   (default: the control plane's current key)`;

export interface EvidenceArgs {
  command: string | undefined;
  target: string | undefined;
  out: string | undefined;
  key: string | undefined;
  signingKey: string | undefined;
  stateDir: string | undefined;
}

type Env = Record<string, string | undefined>;

/** `vident evidence ...` (signed bank API for download; offline for verify and decrypt). */
export async function runEvidence(a: EvidenceArgs, env: Env = process.env): Promise<number> {
  const trusted = new TrustedSigningKeys(trustedKeysFile(env));
  if (a.command === 'pin-key') {
    const key = a.signingKey ? await keyOf(a.signingKey) : await currentKey(env);
    const added = await trusted.pin(key);
    console.log(`${added ? 'pinned' : 'already pinned'}: evidence signing key ${key.keyId} (${trusted.file})`);
    return 0;
  }
  const target = a.target;
  if (!target) throw new UsageError(`usage:\n${evidenceUsage}`);
  switch (a.command) {
    case 'download': {
      if (!a.out) throw new UsageError('download needs --out <dir>');
      const { files, key } = await downloadPack(createBankClient(bankCredentials(a.stateDir)), target, a.out);
      console.log(`downloaded the evidence pack of ${target} to ${a.out} (${files.length} artifacts)`);
      // Trust on first use: the control plane's key, fetched from the API, never taken from a pack.
      if (trusted.list().length === 0 && (await trusted.pin(key))) console.log(`pinned the control plane's evidence signing key ${key.keyId} (first use; ${trusted.file})`);
      else if (trusted.find(key.keyId) === undefined) {
        console.error(`warning: the control plane signs with key ${key.keyId}, which is not pinned; verify refuses its packs until you pin it (vident evidence pin-key)`);
      }
      return 0;
    }
    case 'verify': {
      const check = await verifyWithPinnedKey(target, a.signingKey, trusted);
      if (!check.ok) {
        console.error(`NOT VALID (${check.problem}): ${check.message}`);
        return 1;
      }
      console.log("valid: signature (pinned key), audit chain and every artifact's SHA-256 check out");
      return 0;
    }
    case 'decrypt': {
      if (!a.key) throw new UsageError('decrypt needs --key <bank-private-key.pem>');
      const check = await verifyWithPinnedKey(target, a.signingKey, trusted);
      if (!check.ok) {
        console.error(`refusing to decrypt a pack that does not verify (${check.problem}): ${check.message}`);
        return 1;
      }
      const written = await decryptPackDir(target, await readFile(a.key, 'utf8'), a.out ?? join(target, 'decrypted'));
      for (const file of written) console.log(file);
      return 0;
    }
    default:
      throw new UsageError(`usage:\n${evidenceUsage}`);
  }
}

/** Verifies under --signing-key, else under the pinned key the manifest names; never the pack's own copy. */
async function verifyWithPinnedKey(dir: string, signingKey: string | undefined, trusted: TrustedSigningKeys) {
  if (signingKey) return verifyPackDir(dir, signingKey);
  const keyId = await packSigningKeyId(dir);
  if (keyId === null) return { ok: false as const, problem: 'format', message: 'manifest.json is missing or not a signed manifest' };
  const pinned = trusted.find(keyId);
  if (pinned === undefined) {
    return { ok: false as const, problem: 'key', message: `signed with key ${keyId}, which is not pinned (${trusted.file}): pass --signing-key or run vident evidence pin-key` };
  }
  return verifyPackDir(dir, pinned);
}

async function keyOf(publicKey: string): Promise<EvidenceSigningKey> {
  let raw: Uint8Array;
  try {
    raw = fromBase64(publicKey);
  } catch {
    throw new UsageError('--signing-key must be a base64 Ed25519 public key');
  }
  return { alg: 'Ed25519', keyId: await signingKeyId(raw), publicKey };
}

/** The control plane's current signing key (`GET /v1/evidence/signing-key`, unauthenticated). */
async function currentKey(env: Env): Promise<EvidenceSigningKey> {
  const res = await fetch(new URL('/v1/evidence/signing-key', baseUrlOf(env)));
  const parsed = EvidenceSigningKey.safeParse(res.ok ? await res.json() : null);
  if (!parsed.success) throw new Error(`the control plane did not answer its signing key (HTTP ${res.status})`);
  return parsed.data;
}
