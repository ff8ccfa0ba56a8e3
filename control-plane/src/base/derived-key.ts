import { hmacSha256Hex } from '@vident/protocol';

const keys = new Map<string, Promise<string>>();

/**
 * A key of its own for one kind of MAC, derived from a Worker secret: hex HMAC-SHA256(secret, label).
 * Each label is its own domain, so a MAC made for one purpose (a download link, an upload URL, a
 * participant token) never passes as another's. Cached per secret and label.
 */
export function derivedKey(secret: string, label: string): Promise<string> {
  const id = `${label}\n${secret}`;
  let key = keys.get(id);
  if (!key) {
    key = hmacSha256Hex(secret, label);
    keys.set(id, key);
  }
  return key;
}
