import { readFile } from 'node:fs/promises';
import { importEd25519PrivateKey, importEd25519PublicKey } from '@vident/protocol';
import { ConfigError, type MediaNodeConfig } from '../config.ts';

/** The keys of this node's boundary with the control plane, imported once at start. */
export interface NodeKeys {
  /** This node's own key: signs its requests and its answers to commands. */
  nodeKey: CryptoKey;
  /** The control plane's pinned key: the only one a command may be signed with. */
  controlPlaneKey: CryptoKey;
}

/** Reads NODE_SIGNING_KEY_FILE and imports both keys; a ConfigError names the variable at fault. */
export async function loadNodeKeys(config: Pick<MediaNodeConfig, 'NODE_SIGNING_KEY_FILE' | 'CONTROL_PLANE_PUBLIC_KEY'>): Promise<NodeKeys> {
  let pem: string;
  try {
    pem = await readFile(config.NODE_SIGNING_KEY_FILE, 'utf8');
  } catch (err) {
    throw new ConfigError(`invalid media-node configuration: NODE_SIGNING_KEY_FILE: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let nodeKey: CryptoKey;
  try {
    nodeKey = await importEd25519PrivateKey(pem);
  } catch {
    throw new ConfigError('invalid media-node configuration: NODE_SIGNING_KEY_FILE: is not an Ed25519 private key (PKCS#8 PEM)');
  }
  return { nodeKey, controlPlaneKey: await importEd25519PublicKey(config.CONTROL_PLANE_PUBLIC_KEY) };
}
