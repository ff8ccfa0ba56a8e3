import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createBankClient } from '@vident/protocol';
import { bankCredentials } from './credentials.ts';
import { decryptPackDir, downloadPack, verifyPackDir } from './evidence-pack-files.ts';
import { UsageError } from './usage-error.ts';

export const evidenceUsage = `  vident evidence download <sessionId> --out <dir> [--state-dir <dir>]
  vident evidence verify <dir> [--signing-key <base64 Ed25519 public key>]
  vident evidence decrypt <dir> --key <bank-private-key.pem> [--out <dir>]`;

export interface EvidenceArgs {
  command: string | undefined;
  target: string | undefined;
  out: string | undefined;
  key: string | undefined;
  signingKey: string | undefined;
  stateDir: string | undefined;
}

/** `vident evidence ...` (signed bank API for download; offline for verify and decrypt). */
export async function runEvidence(a: EvidenceArgs): Promise<number> {
  const target = a.target;
  if (!target) throw new UsageError(`usage:\n${evidenceUsage}`);
  switch (a.command) {
    case 'download': {
      if (!a.out) throw new UsageError('download needs --out <dir>');
      const { files } = await downloadPack(createBankClient(bankCredentials(a.stateDir)), target, a.out);
      console.log(`downloaded the evidence pack of ${target} to ${a.out} (${files.length} artifacts)`);
      return 0;
    }
    case 'verify': {
      const check = await verifyPackDir(target, a.signingKey);
      if (!check.ok) {
        console.error(`NOT VALID (${check.problem}): ${check.message}`);
        return 1;
      }
      console.log(`valid: signature, audit chain and every artifact's SHA-256 check out${a.signingKey ? '' : ' (signing key taken from the pack; pin it with --signing-key)'}`);
      return 0;
    }
    case 'decrypt': {
      if (!a.key) throw new UsageError('decrypt needs --key <bank-private-key.pem>');
      const check = await verifyPackDir(target, a.signingKey);
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
