import { fromBase64, importBankPublicKey, signingKeyId, toBase64, EVIDENCE_SIGNATURE_ALG, type BankPublicKey, type EvidenceSigningKey } from '@vident/protocol';
import { ConfigError, type EvidenceConfig } from '../base/config.ts';

/*
 * The evidence key material, imported once per configuration: WebCrypto imports are asynchronous,
 * so they cannot happen in loadConfig (which only checks the shape). A key that does not import
 * fails every use with a ConfigError naming its variable, never its value.
 */

/** The control plane's manifest signing key and what the public route serves of it. */
export interface ManifestSigner {
  privateKey: CryptoKey;
  publicView: EvidenceSigningKey;
}

const bankKeys = new WeakMap<EvidenceConfig, Promise<BankPublicKey | null>>();
const signers = new WeakMap<EvidenceConfig, Promise<ManifestSigner | null>>();

/** The configured bank key (its id: sha256 of its SPKI; the key seals the session's assessment), or null when none is configured. */
export function bankKeyOf(config: EvidenceConfig): Promise<BankPublicKey | null> {
  let pending = bankKeys.get(config);
  if (!pending) {
    pending = importBank(config.publicKeyPem);
    bankKeys.set(config, pending);
  }
  return pending;
}

/** The manifest signer, or null when EVIDENCE_SIGNING_KEY is not set. */
export function signerOf(config: EvidenceConfig): Promise<ManifestSigner | null> {
  let pending = signers.get(config);
  if (!pending) {
    pending = importSigner(config.signingKeyPkcs8);
    signers.set(config, pending);
  }
  return pending;
}

async function importBank(pem: string | null): Promise<BankPublicKey | null> {
  if (pem === null) return null;
  try {
    return await importBankPublicKey(pem);
  } catch {
    throw new ConfigError('config: EVIDENCE_PUBLIC_KEY is not an RSA public key of 2048 bits or more');
  }
}

/** Imports the PKCS#8 key and derives its public half (JWK `x`): the secret alone configures both. */
async function importSigner(pkcs8: string | null): Promise<ManifestSigner | null> {
  if (pkcs8 === null) return null;
  try {
    const der = fromBase64(pkcs8);
    const extractable = await crypto.subtle.importKey('pkcs8', der, { name: 'Ed25519' }, true, ['sign']);
    const jwk = (await crypto.subtle.exportKey('jwk', extractable)) as JsonWebKey;
    if (typeof jwk.x !== 'string') throw new Error('no public part');
    const raw = fromBase64(jwk.x.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (jwk.x.length % 4)) % 4));
    if (raw.length !== 32) throw new Error('not an Ed25519 public key');
    // The signing handle itself is not extractable: nothing can read the secret back out of it.
    const privateKey = await crypto.subtle.importKey('pkcs8', der, { name: 'Ed25519' }, false, ['sign']);
    return { privateKey, publicView: { alg: EVIDENCE_SIGNATURE_ALG, keyId: await signingKeyId(raw), publicKey: toBase64(raw) } };
  } catch {
    throw new ConfigError('config: EVIDENCE_SIGNING_KEY is not an Ed25519 PKCS#8 key in base64');
  }
}
