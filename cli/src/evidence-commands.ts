import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createBankClient, EvidenceSigningKey, fromBase64, signingKeyId, type BankClient } from '@vident/protocol';
import { CliError, describeFailure, failureText, UsageError } from './cli-error.ts';
import { emit, errorLine, warn, type CliIo, type Env } from './cli-io.ts';
import { bankCredentials, baseUrlOf } from './credentials.ts';
import { decryptPackDir, downloadPack, packSigningKeyId, verifyPackDir } from './evidence-pack-files.ts';
import { countingFetch, LARGE_PACK_BYTES } from './progress.ts';
import { trustedKeysFile, TrustedSigningKeys } from './trusted-keys.ts';

export interface EvidenceArgs {
  command: string | undefined;
  target: string | undefined;
  out: string | undefined;
  key: string | undefined;
  signingKey: string | undefined;
  stateDir: string | undefined;
}

const consoleIo: CliIo = { out: (line) => console.log(line), err: (line) => console.error(line) };

/**
 * `vident evidence ...` (signed bank API for download; offline for verify and decrypt). A pack
 * that does not verify is reported here (exit 1, code pack_not_valid); other failures throw.
 */
export async function runEvidence(a: EvidenceArgs, env: Env = process.env, io: CliIo = consoleIo): Promise<number> {
  const trusted = new TrustedSigningKeys(trustedKeysFile(env));
  if (a.command === 'pin-key') {
    const key = a.signingKey ? await keyOf(a.signingKey) : await currentKey(env, io.fetch ?? fetch);
    const added = await trusted.pin(key);
    emit(io, { keyId: key.keyId, publicKey: key.publicKey, added, file: trusted.file }, () => [`${added ? 'pinned' : 'already pinned'}: evidence signing key ${key.keyId} (${trusted.file})`]);
    return 0;
  }
  const target = a.target;
  if (!target) throw new UsageError(`vident evidence ${a.command ?? ''}: which pack?`);
  switch (a.command) {
    case 'download': {
      if (!a.out) throw new UsageError('download needs --out <dir>');
      const bank = createBankClient({ ...bankCredentials(a.stateDir, env), ...(io.fetch ? { fetch: io.fetch } : {}) });
      const { files, key } = await downloadWithProgress(bank, target, a.out, io);
      // Trust on first use: the control plane's key, fetched from the API, never taken from a pack.
      const pinned = trusted.list().length === 0 && (await trusted.pin(key)) ? 'first_use' : trusted.find(key.keyId) === undefined ? 'not_pinned' : 'pinned';
      emit(io, { sessionId: target, dir: a.out, artifacts: files, signingKeyId: key.keyId, signingKey: pinned }, () => [
        `downloaded the evidence pack of ${target} to ${a.out} (${files.length} artifacts)`,
        ...(pinned === 'first_use' ? [`pinned the control plane's evidence signing key ${key.keyId} (first use; ${trusted.file})`] : []),
      ]);
      if (pinned === 'not_pinned') {
        warn(io, 'signing_key_not_pinned', `the control plane signs with key ${key.keyId}, which is not pinned; verify refuses its packs until you pin it (vident evidence pin-key)`);
      }
      return 0;
    }
    case 'verify': {
      const check = await verifyWithPinnedKey(target, a.signingKey, trusted);
      if (!check.ok) {
        emit(io, { valid: false, problem: check.problem, message: check.message }, () => []);
        return notValid(io, `NOT VALID (${check.problem}): ${check.message}`, check);
      }
      emit(io, { valid: true }, () => ["valid: signature (pinned key), audit chain and every artifact's SHA-256 check out"]);
      return 0;
    }
    case 'decrypt': {
      if (!a.key) throw new UsageError('decrypt needs --key <bank-private-key.pem>');
      const check = await verifyWithPinnedKey(target, a.signingKey, trusted);
      if (!check.ok) return notValid(io, `refusing to decrypt a pack that does not verify (${check.problem}): ${check.message}`, check);
      const pem = await readFile(a.key, 'utf8');
      const written = await withProgress(io, 'decrypting', (onProgress) => decryptPackDir(target, pem, a.out ?? join(target, 'decrypted'), onProgress), LARGE_PACK_BYTES);
      emit(io, { files: written }, () => written);
      return 0;
    }
    default:
      throw new UsageError(`vident evidence: download, verify, decrypt or pin-key`);
  }
}

/** A pack that does not verify: a stable code and the reason on stderr, exit 1. */
function notValid(io: CliIo, message: string, check: { problem: string }): number {
  const failure = describeFailure(new CliError('pack_not_valid', message, 1, { problem: check.problem }));
  errorLine(io, failureText(failure, io.json === true));
  return 1;
}

/** downloadPack with a bar over the sealed bytes the manifest lists (when io offers one). */
async function downloadWithProgress(bank: BankClient, sessionId: string, dir: string, io: CliIo) {
  return withProgress(io, 'downloading', (onProgress) => {
    let total = 0;
    let done = 0;
    const counting: BankClient = {
      ...bank,
      evidence: async (id) => {
        const pack = await bank.evidence(id);
        const sizes = new Map(pack.signed.manifest.artifacts.map((x) => [x.artifactId, x.size]));
        total = pack.downloads.reduce((sum, d) => sum + (sizes.get(d.artifactId) ?? 0), 0);
        return pack;
      },
    };
    return downloadPack(counting, sessionId, dir, countingFetch(io.fetch ?? fetch, (bytes) => onProgress((done += bytes), total)));
  });
}

/** Runs `work` with a progress bar that starts at the first report of at least `minTotal` bytes. */
async function withProgress<T>(io: CliIo, label: string, work: (onProgress: (done: number, total: number) => void) => Promise<T>, minTotal = 0): Promise<T> {
  const makeBar = io.progress;
  if (!makeBar) return work(() => undefined);
  let bar: ReturnType<typeof makeBar> | undefined;
  let of = 0;
  try {
    const result = await work((done, total) => {
      of = total;
      if (bar === undefined && total >= minTotal && total > 0) bar = makeBar(label, total);
      bar?.update(done);
    });
    bar?.update(of); // decryption counts no envelope header: done is done
    return result;
  } finally {
    bar?.stop();
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
async function currentKey(env: Env, doFetch: typeof fetch): Promise<EvidenceSigningKey> {
  const res = await doFetch(new URL('/v1/evidence/signing-key', baseUrlOf(env)));
  const parsed = EvidenceSigningKey.safeParse(res.ok ? await res.json().catch(() => null) : null);
  if (!parsed.success) throw new CliError('signing_key_unavailable', `the control plane did not answer its signing key (HTTP ${res.status})`);
  return parsed.data;
}
