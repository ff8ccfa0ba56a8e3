/*
 * The Ed25519 keys of the control plane <-> media node boundary: each media node's own key pair
 * (created at install, its public half enrolled by the platform team) and the control plane's
 * command-signing key (CONTROL_PLANE_SIGNING_KEY, its public half pinned by every node).
 *
 * Text forms: a public key is its 32 raw bytes in base64 (what `openssl pkey -pubout -outform DER
 * | tail -c 32 | base64` prints); a private key is PKCS#8, PEM or bare base64.
 */
import * as z from 'zod/mini';
import { fromBase64, pemToDer, toBase64 } from './evidence-crypto.ts';

const ED25519 = { name: 'Ed25519' } as const;

/** An Ed25519 public key: its 32 raw bytes in base64. */
export const Ed25519PublicKey = z.string().check(z.regex(/^[A-Za-z0-9+/]{43}=$/, 'must be an Ed25519 public key (32 bytes, base64)'));
export type Ed25519PublicKey = z.infer<typeof Ed25519PublicKey>;

/** Imports a public key for verifying; throws on anything that is not one. */
export async function importEd25519PublicKey(base64: string): Promise<CryptoKey> {
  if (!Ed25519PublicKey.safeParse(base64).success) throw new Error('not an Ed25519 public key');
  return crypto.subtle.importKey('raw', fromBase64(base64), ED25519, true, ['verify']);
}

/** Imports a PKCS#8 private key (PEM or base64) for signing; throws on anything that is not one. */
export async function importEd25519PrivateKey(pkcs8: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('pkcs8', pemToDer(pkcs8), ED25519, true, ['sign']);
}

/** The base64 public key of a private key (Ed25519 PKCS#8 ends with the 32-byte seed; the JWK has x). */
export async function ed25519PublicKeyOf(privateKey: CryptoKey): Promise<Ed25519PublicKey> {
  const jwk = (await crypto.subtle.exportKey('jwk', privateKey)) as JsonWebKey;
  if (!jwk.x) throw new Error('not an Ed25519 key');
  return toBase64(fromBase64(jwk.x.replace(/-/g, '+').replace(/_/g, '/') + '='));
}

/** A fresh key pair in its text forms: PKCS#8 base64 (the secret) and the base64 public key. */
export async function generateEd25519KeyPair(): Promise<{ privateKey: string; publicKey: Ed25519PublicKey }> {
  const pair = (await crypto.subtle.generateKey(ED25519, true, ['sign', 'verify'])) as CryptoKeyPair;
  return {
    privateKey: toBase64(new Uint8Array((await crypto.subtle.exportKey('pkcs8', pair.privateKey)) as ArrayBuffer)),
    publicKey: toBase64(new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer)),
  };
}
