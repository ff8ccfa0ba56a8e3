/*
 * One render per turn of the event loop, of the latest state. The call controller reports every
 * change (socket phase, welcome, camera, each leg's state, each frame of the session...), about 18
 * in bursts for an agent's join; rendering every screen and panel on each of them put full renders
 * between the `welcome` and the publish it lets out (the publish waits in the controller's chain
 * behind the synchronous renders), on a main thread that a loaded machine already starves (issue 16).
 * The state itself stays synchronous in the controller; only what the page draws from it waits for
 * the current task's microtasks, the chain's next step among them, to finish.
 */

/** Runs a callback as a new task: a MessageChannel message, which background tabs do not throttle as they do timers. */
export function nextTask(): (run: () => void) => void {
  const channel = new MessageChannel();
  const queue: (() => void)[] = [];
  channel.port1.onmessage = () => queue.shift()?.();
  return (run) => {
    queue.push(run);
    channel.port2.postMessage(null);
  };
}

/** `render` wrapped so that calls in the same task render once, with the last value, in a later task (`schedule`). */
export function coalesced<T>(render: (value: T) => void, schedule: (run: () => void) => void): (value: T) => void {
  let pending: { value: T } | null = null;
  return (value: T) => {
    const scheduled = pending !== null;
    pending = { value };
    if (scheduled) return;
    schedule(() => {
      const due = pending!;
      pending = null;
      render(due.value);
    });
  };
}
