import { generateEd25519KeyPair, importEd25519PrivateKey, importEd25519PublicKey } from '@vident/protocol';

/** An Ed25519 key pair, imported, with its public key's text form. */
export interface TestKeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicKeyText: string;
}

export async function testKeyPair(): Promise<TestKeyPair> {
  const pair = await generateEd25519KeyPair();
  return { privateKey: await importEd25519PrivateKey(pair.privateKey), publicKey: await importEd25519PublicKey(pair.publicKey), publicKeyText: pair.publicKey };
}

/**
 * Fresh keys for one test file: the control plane's (signs commands; the app pins its public half)
 * and the node's (signs its requests and answers). `app` is what buildApp takes.
 */
export async function testKeys(): Promise<{ controlPlane: TestKeyPair; node: TestKeyPair; app: { controlPlaneKey: CryptoKey; nodeKey: CryptoKey } }> {
  const controlPlane = await testKeyPair();
  const node = await testKeyPair();
  return { controlPlane, node, app: { controlPlaneKey: controlPlane.publicKey, nodeKey: node.privateKey } };
}
