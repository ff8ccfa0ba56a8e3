import { toHex } from './signing.ts';

/*
 * Encryption at rest of every evidence artifact (recordings, captures): a fresh AES-256-GCM key per
 * artifact, wrapped with the bank's RSA-OAEP-256 public key. Only the bank's private key opens it;
 * the media node operator and the Cloudflare account holder see ciphertext only. Pure WebCrypto:
 * the media node (Node 20), the agent's browser (captures) and the bank's CLI share this code.
 *
 * File format ("VEN1"), streamable in both directions:
 *
 *   "VEN1" | uint32 BE headerLength | header (UTF-8 JSON, EnvelopeHeader) | chunk 0 | chunk 1 | ...
 *
 * The plaintext is cut into chunks of header.chunkSize bytes (the last one shorter, possibly empty);
 * each is sealed with AES-256-GCM (16-byte tag appended) under
 *   nonce(i) = noncePrefix (8 bytes) | uint32 BE i
 *   aad(i)   = the file's first 8 + headerLength bytes | (1 if chunk i is the last, else 0)
 * so a reordered, truncated, extended or re-headed file fails to decrypt.
 */

export const ENVELOPE_MAGIC = 'VEN1';
export const DEFAULT_CHUNK_SIZE = 1024 * 1024;
const TAG_BYTES = 16;
const MAX_HEADER_BYTES = 16 * 1024;

export interface EnvelopeHeader {
  v: 1;
  enc: 'A256GCM-CHUNKED';
  wrap: 'RSA-OAEP-256';
  /** sha256 hex of the bank public key's SPKI DER: which bank key opens this file. */
  bankKeyId: string;
  /** base64 of the AES key wrapped with the bank key. */
  wrappedKey: string;
  /** base64 of 8 random bytes. */
  noncePrefix: string;
  chunkSize: number;
  /** MIME type of the plaintext (e.g. video/webm, image/jpeg). */
  contentType: string;
}

export class EnvelopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvelopeError';
  }
}

const OAEP = { name: 'RSA-OAEP', hash: 'SHA-256' } as const;

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** DER bytes of a PEM block (any label), or of base64 text without the armour. */
export function pemToDer(pem: string): Uint8Array<ArrayBuffer> {
  const body = pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+=*$/.test(body)) throw new EnvelopeError('not a PEM or base64 key');
  return fromBase64(body);
}

export function derToPem(der: Uint8Array, label: string): string {
  const lines = toBase64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export interface BankPublicKey {
  key: CryptoKey;
  keyId: string;
}

/** Imports the bank's RSA public key (SPKI, PEM or base64) for wrapping. */
export async function importBankPublicKey(pem: string): Promise<BankPublicKey> {
  const der = pemToDer(pem);
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey('spki', der, OAEP, true, ['wrapKey', 'encrypt']);
  } catch {
    throw new EnvelopeError('the bank public key is not an RSA SPKI key');
  }
  const modulusLength = (key.algorithm as unknown as { modulusLength: number }).modulusLength;
  if (modulusLength < 2048) throw new EnvelopeError(`the bank key has ${modulusLength} bits; 2048 at least`);
  return { key, keyId: toHex(await crypto.subtle.digest('SHA-256', der)) };
}

/** Imports the bank's RSA private key (PKCS#8, PEM or base64) for unwrapping. */
export async function importBankPrivateKey(pem: string): Promise<CryptoKey> {
  try {
    return await crypto.subtle.importKey('pkcs8', pemToDer(pem), OAEP, false, ['unwrapKey', 'decrypt']);
  } catch {
    throw new EnvelopeError('the bank private key is not an RSA PKCS#8 key');
  }
}

/** A fresh bank key pair as PEM (tests, local stacks; a bank makes its own in its HSM). */
export async function generateBankKeyPair(modulusLength = 3072): Promise<{ publicKeyPem: string; privateKeyPem: string }> {
  const pair = (await crypto.subtle.generateKey(
    { ...OAEP, modulusLength, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'],
  )) as CryptoKeyPair;
  const spki = new Uint8Array((await crypto.subtle.exportKey('spki', pair.publicKey)) as ArrayBuffer);
  const pkcs8 = new Uint8Array((await crypto.subtle.exportKey('pkcs8', pair.privateKey)) as ArrayBuffer);
  return { publicKeyPem: derToPem(spki, 'PUBLIC KEY'), privateKeyPem: derToPem(pkcs8, 'PRIVATE KEY') };
}

function nonce(prefix: Uint8Array, index: number): Uint8Array<ArrayBuffer> {
  const n = new Uint8Array(12);
  n.set(prefix, 0);
  new DataView(n.buffer).setUint32(8, index);
  return n;
}

function aad(headerBytes: Uint8Array, last: boolean): Uint8Array<ArrayBuffer> {
  const a = new Uint8Array(headerBytes.length + 1);
  a.set(headerBytes, 0);
  a[headerBytes.length] = last ? 1 : 0;
  return a;
}

/**
 * Seals one artifact chunk by chunk. Write `header` first, then `seal(chunk, last)` for each
 * plaintext chunk of exactly `chunkSize` bytes (the last may be shorter or empty).
 */
export class EnvelopeWriter {
  private index = 0;
  private done = false;
  private constructor(
    readonly header: Uint8Array<ArrayBuffer>,
    readonly chunkSize: number,
    private readonly key: CryptoKey,
    private readonly prefix: Uint8Array,
  ) {}

  static async create(bank: BankPublicKey, contentType: string, chunkSize = DEFAULT_CHUNK_SIZE): Promise<EnvelopeWriter> {
    const key = (await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt'])) as CryptoKey;
    const wrapped = new Uint8Array(await crypto.subtle.wrapKey('raw', key, bank.key, OAEP));
    const prefix = crypto.getRandomValues(new Uint8Array(8));
    const header: EnvelopeHeader = {
      v: 1,
      enc: 'A256GCM-CHUNKED',
      wrap: 'RSA-OAEP-256',
      bankKeyId: bank.keyId,
      wrappedKey: toBase64(wrapped),
      noncePrefix: toBase64(prefix),
      chunkSize,
      contentType,
    };
    const json = new TextEncoder().encode(JSON.stringify(header));
    const bytes = new Uint8Array(8 + json.length);
    bytes.set(new TextEncoder().encode(ENVELOPE_MAGIC), 0);
    new DataView(bytes.buffer).setUint32(4, json.length);
    bytes.set(json, 8);
    return new EnvelopeWriter(bytes, chunkSize, key, prefix);
  }

  async seal(chunk: Uint8Array, last: boolean): Promise<Uint8Array<ArrayBuffer>> {
    if (this.done) throw new EnvelopeError('the envelope is already closed');
    if (chunk.length > this.chunkSize || (!last && chunk.length !== this.chunkSize)) {
      throw new EnvelopeError(`a ${last ? 'last' : 'middle'} chunk of ${chunk.length} bytes (chunk size ${this.chunkSize})`);
    }
    const sealed = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv: nonce(this.prefix, this.index), additionalData: aad(this.header, last) },
      this.key,
      new Uint8Array(chunk),
    );
    this.index++;
    this.done = last;
    return new Uint8Array(sealed);
  }
}

/** Reads an envelope's header from the start of a file (at least 8 + header bytes of it). */
export function parseEnvelopeHeader(start: Uint8Array): { header: EnvelopeHeader; headerBytes: Uint8Array } {
  if (start.length < 8 || new TextDecoder().decode(start.subarray(0, 4)) !== ENVELOPE_MAGIC) {
    throw new EnvelopeError('not a vident envelope (bad magic)');
  }
  const length = new DataView(start.buffer, start.byteOffset, start.byteLength).getUint32(4);
  if (length === 0 || length > MAX_HEADER_BYTES || start.length < 8 + length) throw new EnvelopeError('truncated or oversized envelope header');
  let header: EnvelopeHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(start.subarray(8, 8 + length))) as EnvelopeHeader;
  } catch {
    throw new EnvelopeError('the envelope header is not JSON');
  }
  if (
    header?.v !== 1 ||
    header.enc !== 'A256GCM-CHUNKED' ||
    header.wrap !== 'RSA-OAEP-256' ||
    !Number.isInteger(header.chunkSize) ||
    header.chunkSize < 1024 ||
    header.chunkSize > 64 * 1024 * 1024 ||
    typeof header.wrappedKey !== 'string' ||
    typeof header.noncePrefix !== 'string' ||
    typeof header.contentType !== 'string'
  ) {
    throw new EnvelopeError('unsupported envelope header');
  }
  return { header, headerBytes: start.subarray(0, 8 + length) };
}

/** Opens an envelope chunk by chunk: `open(sealedChunk, last)` in file order. */
export class EnvelopeReader {
  private index = 0;
  private constructor(
    readonly header: EnvelopeHeader,
    readonly headerBytes: Uint8Array,
    private readonly key: CryptoKey,
    private readonly prefix: Uint8Array,
  ) {}

  /** Size of one sealed (non-last) chunk in the file. */
  get sealedChunkSize(): number {
    return this.header.chunkSize + TAG_BYTES;
  }

  static async open(start: Uint8Array, privateKey: CryptoKey): Promise<EnvelopeReader> {
    const { header, headerBytes } = parseEnvelopeHeader(start);
    let key: CryptoKey;
    try {
      key = await crypto.subtle.unwrapKey('raw', fromBase64(header.wrappedKey), privateKey, OAEP, { name: 'AES-GCM', length: 256 }, false, ['decrypt']);
    } catch {
      throw new EnvelopeError('this private key does not open the envelope (wrong bank key?)');
    }
    return new EnvelopeReader(header, new Uint8Array(headerBytes), key, fromBase64(header.noncePrefix));
  }

  async open(sealed: Uint8Array, last: boolean): Promise<Uint8Array<ArrayBuffer>> {
    try {
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: nonce(this.prefix, this.index), additionalData: aad(this.headerBytes, last) },
        this.key,
        new Uint8Array(sealed),
      );
      this.index++;
      return new Uint8Array(plain);
    } catch {
      throw new EnvelopeError(`chunk ${this.index} fails authentication: the file was altered, truncated or reordered`);
    }
  }
}

/** Whole-buffer helpers (captures, tests). */
export async function sealBytes(bank: BankPublicKey, contentType: string, plain: Uint8Array, chunkSize = DEFAULT_CHUNK_SIZE): Promise<Uint8Array<ArrayBuffer>> {
  const w = await EnvelopeWriter.create(bank, contentType, chunkSize);
  const parts: Uint8Array[] = [w.header];
  for (let off = 0; ; off += chunkSize) {
    const last = off + chunkSize >= plain.length;
    parts.push(await w.seal(plain.subarray(off, Math.min(off + chunkSize, plain.length)), last));
    if (last) break;
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export async function openBytes(privateKey: CryptoKey, sealed: Uint8Array): Promise<{ header: EnvelopeHeader; plain: Uint8Array<ArrayBuffer> }> {
  const r = await EnvelopeReader.open(sealed, privateKey);
  const body = sealed.subarray(r.headerBytes.length);
  const step = r.sealedChunkSize;
  if (body.length < TAG_BYTES) throw new EnvelopeError('the envelope has no chunks');
  const chunks: Uint8Array[] = [];
  for (let off = 0; off < body.length; off += step) {
    const last = off + step >= body.length;
    chunks.push(await r.open(body.subarray(off, Math.min(off + step, body.length)), last));
  }
  const plain = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    plain.set(c, at);
    at += c.length;
  }
  return { header: r.header, plain };
}
