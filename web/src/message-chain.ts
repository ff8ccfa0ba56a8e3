import { LegClosedError } from './peer-legs.ts';

/**
 * The call's steps in order, one at a time: each server message, and each publish the page starts,
 * runs after the one before has settled (SDP steps are async and must not interleave). A step whose
 * media leg was closed under it (a transport switch, a moved session, a rejoin) ends with
 * LegClosedError (see peer-legs.ts) and is dropped quietly; any other failure is reported. Either
 * way the chain goes on: a later message is always handled.
 */
export class MessageChain {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly onError: (err: unknown) => void) {}

  /** Runs `step` after every step enqueued before it. */
  enqueue(step: () => Promise<void>): void {
    this.tail = this.tail.then(step).catch((err: unknown) => this.failed(err));
  }

  /**
   * Runs `step` now, beside the chain: the steps after it do not wait for it. For the one leg's
   * negotiation that the other leg's steps must not queue behind (issue 16: the publish's answer
   * waited for the subscriber's answer to be made). Whatever closes or replaces that leg later
   * still ends it with LegClosedError. Settles when the step has, never rejecting (its failure is
   * handled as a chained step's).
   */
  beside(step: () => Promise<void>): Promise<void> {
    return step().catch((err: unknown) => this.failed(err));
  }

  private failed(err: unknown): void {
    if (!(err instanceof LegClosedError)) this.onError(err);
  }
}
