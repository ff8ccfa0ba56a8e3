/*
 * `vident`: the command line for a bank's back office and the platform team.
 *
 *   vident evidence download <sessionId> --out <dir>   fetch a session's evidence pack (signed API)
 *   vident evidence verify <dir> [--signing-key <b64>] check signature, audit chain, checksums offline
 *   vident evidence decrypt <dir> --key <pem> [--out <dir>]   open the artifacts with the bank's key
 *
 * The signed API is reached with VIDENT_URL, VIDENT_KEY_ID and VIDENT_KEY_SECRET, or with
 * --state-dir <dir> for a local stack (its secrets.json; URL from VIDENT_URL or 127.0.0.1:8787).
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createBankClient } from '@vident/protocol';
import { decryptPackDir, downloadPack, verifyPackDir } from './evidence-pack-files.ts';

const usage = `usage:
  vident evidence download <sessionId> --out <dir> [--state-dir <dir>]
  vident evidence verify <dir> [--signing-key <base64 Ed25519 public key>]
  vident evidence decrypt <dir> --key <bank-private-key.pem> [--out <dir>]`;

export class UsageError extends Error {}

function bankClient(stateDir: string | undefined) {
  const baseUrl = process.env.VIDENT_URL ?? 'http://127.0.0.1:8787';
  if (stateDir !== undefined) {
    const secrets = JSON.parse(readFileSync(join(stateDir, 'secrets.json'), 'utf8')) as { bankKeyId: string; bankSecret: string };
    return createBankClient({ baseUrl, keyId: secrets.bankKeyId, secret: secrets.bankSecret });
  }
  const keyId = process.env.VIDENT_KEY_ID;
  const secret = process.env.VIDENT_KEY_SECRET;
  if (!keyId || !secret) throw new UsageError('set VIDENT_KEY_ID and VIDENT_KEY_SECRET (or pass --state-dir for a local stack)');
  return createBankClient({ baseUrl, keyId, secret });
}

/** Runs one command; resolves to the exit code. Throws UsageError for bad arguments. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      key: { type: 'string' },
      'signing-key': { type: 'string' },
      'state-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [group, command, target] = positionals;
  if (values.help || group !== 'evidence' || !command || !target) throw new UsageError(usage);
  switch (command) {
    case 'download': {
      if (!values.out) throw new UsageError('download needs --out <dir>');
      const { files } = await downloadPack(bankClient(values['state-dir']), target, values.out);
      console.log(`downloaded the evidence pack of ${target} to ${values.out} (${files.length} artifacts)`);
      return 0;
    }
    case 'verify': {
      const check = await verifyPackDir(target, values['signing-key']);
      if (!check.ok) {
        console.error(`NOT VALID (${check.problem}): ${check.message}`);
        return 1;
      }
      console.log(`valid: signature, audit chain and every artifact's SHA-256 check out${values['signing-key'] ? '' : ' (signing key taken from the pack; pin it with --signing-key)'}`);
      return 0;
    }
    case 'decrypt': {
      if (!values.key) throw new UsageError('decrypt needs --key <bank-private-key.pem>');
      const check = await verifyPackDir(target, values['signing-key']);
      if (!check.ok) {
        console.error(`refusing to decrypt a pack that does not verify (${check.problem}): ${check.message}`);
        return 1;
      }
      const written = await decryptPackDir(target, await readFile(values.key, 'utf8'), values.out ?? join(target, 'decrypted'));
      for (const file of written) console.log(file);
      return 0;
    }
    default:
      throw new UsageError(usage);
  }
}

