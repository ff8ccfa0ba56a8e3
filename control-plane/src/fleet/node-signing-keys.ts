import { importEd25519PrivateKey, importEd25519PublicKey } from '@vident/protocol';
import type { Config } from '../base/config.ts';

/*
 * Imported Ed25519 keys, cached per isolate by their text: the text names the key, so a cached
 * import can never stand for another key. Which key a node may use is the registry's answer each
 * time (a revocation takes effect on the next request); only the import is cached.
 */
const publicKeys = new Map<string, Promise<CryptoKey>>();
const privateKeys = new Map<string, Promise<CryptoKey>>();

function cached(map: Map<string, Promise<CryptoKey>>, text: string, load: (text: string) => Promise<CryptoKey>): Promise<CryptoKey> {
  let key = map.get(text);
  if (!key) {
    key = load(text);
    key.catch(() => map.delete(text));
    map.set(text, key);
  }
  return key;
}

/** A node's enrolled public key (raw base64), ready to verify with. */
export function nodePublicKey(base64: string): Promise<CryptoKey> {
  return cached(publicKeys, base64, importEd25519PublicKey);
}

/** The control plane's command-signing key (CONTROL_PLANE_SIGNING_KEY). */
export function controlPlaneSigningKey(config: Pick<Config, 'controlPlaneSigningKey'>): Promise<CryptoKey> {
  return cached(privateKeys, config.controlPlaneSigningKey, importEd25519PrivateKey);
}
