import type { InCallRateLimit } from './in-call-tools.ts';
import type { FrameBudget } from './session-limits.ts';
import type { NodeCommands } from './node-commands.ts';
import type { NodeFailover } from './node-failover.ts';
import type { SessionLifecycle } from './session-lifecycle.ts';
import type { SessionPorts } from './session-ports.ts';
import type { SessionRecord } from './session-record.ts';

/**
 * What the modules conducting one session share (session-conduct.ts builds it): the one record they
 * all change, the ports to the world, and the steps they take on each other's behalf.
 */
export interface ConductContext {
  readonly record: SessionRecord;
  readonly ports: SessionPorts;
  readonly lifecycle: SessionLifecycle;
  readonly node: NodeCommands;
  readonly failover: NodeFailover;
  /** Each role's budget of chat and guidance frames (kept in memory only). */
  readonly inCallLimit: InCallRateLimit;
  /** Each role's budget of frames of any type (kept in memory only: see session-limits.ts). */
  readonly frames: FrameBudget;
}
