import type { ServerMessage } from '@vident/protocol';

/**
 * A family of server frames, named once by its types: the predicate the call routes with
 * (call-controller.ts), its frames' type the family's module switches over. A type the protocol
 * does not have fails the type check, and so does a frame no family takes (the router ends in
 * assertNever).
 */
export function frameFamily<const T extends ServerMessage['type']>(types: readonly T[]): (msg: ServerMessage) => msg is Extract<ServerMessage, { type: T }> {
  const family = new Set<string>(types);
  return (msg): msg is Extract<ServerMessage, { type: T }> => family.has(msg.type);
}

/** The frames a family's predicate takes. */
export type FrameOf<P> = P extends (msg: ServerMessage) => msg is (infer F extends ServerMessage) ? F : never;
