/** Who made a bank API call, for the session's audit trail. */
export interface Caller {
  keyId: string;
  /** Whose key: a bank's (the default) or the platform team's admin key. Names the audit actor. */
  kind?: 'bank' | 'admin';
  /** The client's address as Cloudflare reports it; null when unknown (local runs). */
  from: string | null;
}
