import { createHash } from 'node:crypto';
import { generateBankKeyPair, importBankPrivateKey, importBankPublicKey, type BankPublicKey } from '@vident/protocol';

/** A bank key pair for the sealing tests: the public half seals, the private half opens (RSA 2048, quicker to make). */
export async function testBankKey(): Promise<{ bank: BankPublicKey; privateKey: CryptoKey }> {
  const keys = await generateBankKeyPair(2048);
  return { bank: await importBankPublicKey(keys.publicKeyPem), privateKey: await importBankPrivateKey(keys.privateKeyPem) };
}

/** SHA-256 hex of some bytes. */
export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
