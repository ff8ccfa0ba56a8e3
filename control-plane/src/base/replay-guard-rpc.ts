/**
 * What the Worker may call on a ReplayGuard shard. An interface apart from the class so env.ts can
 * type the binding without importing the Durable Object (which imports env.ts).
 */
export interface ReplayGuardRpc extends Rpc.DurableObjectBranded {
  /** Records a signature; false if it was already recorded and has not expired. */
  claim(signature: string, expiresAt: number, now?: number): Promise<boolean>;
  /** Number of remembered signatures (tests and diagnostics). */
  size(): Promise<number>;
}

/** What the replay guard remembers of a verified request: its signature, until its timestamp leaves the window. */
export interface ReplayTicket {
  /** Lowercase hex. */
  signature: string;
  /** ms since epoch. */
  expiresAt: number;
}
