/**
 * The command signatures this node has accepted, each kept until its timestamp window has passed
 * (after which the signature check refuses it anyway): a captured command cannot be replayed.
 * Only verified signatures are claimed, so unauthenticated traffic cannot fill it.
 */
export class SeenSignatures {
  private readonly until = new Map<string, number>();

  /** @param windowMs how long either side of the clock a signed request is accepted */
  constructor(private readonly windowMs: number) {}

  /** True the first time a signature is seen within the window, false for a replay. */
  claim(signature: string, now: number): boolean {
    this.prune(now);
    if (this.until.has(signature)) return false;
    // Accepted up to windowMs after its timestamp, which is at most windowMs ahead of now.
    this.until.set(signature, now + 2 * this.windowMs);
    return true;
  }

  get size(): number {
    return this.until.size;
  }

  private prune(now: number): void {
    // Insertion order is expiry order (a constant lifetime), so pruning stops at the first live one.
    for (const [signature, until] of this.until) {
      if (until > now) break;
      this.until.delete(signature);
    }
  }
}
