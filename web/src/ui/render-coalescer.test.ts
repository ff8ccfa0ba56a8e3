import { describe, expect, it } from 'vitest';
import { coalesced, nextTask } from './render-coalescer.ts';

/** A scheduler whose tasks run when the test says. */
function tasks() {
  const queue: (() => void)[] = [];
  return { schedule: (run: () => void) => void queue.push(run), runAll: () => queue.splice(0).forEach((run) => run()), get length() { return queue.length; } };
}

describe('coalesced render', () => {
  it('renders a burst of changes once, with the last value, in a later task', () => {
    const t = tasks();
    const drawn: number[] = [];
    const update = coalesced((n: number) => drawn.push(n), t.schedule);
    update(1);
    update(2);
    update(3);
    expect(drawn).toEqual([]);
    expect(t.length).toBe(1);
    t.runAll();
    expect(drawn).toEqual([3]);
  });

  it('schedules again for a change after the render, and never renders without a change', () => {
    const t = tasks();
    const drawn: string[] = [];
    const update = coalesced((s: string) => drawn.push(s), t.schedule);
    update('a');
    t.runAll();
    update('b');
    t.runAll();
    t.runAll();
    expect(drawn).toEqual(['a', 'b']);
  });
});

describe('nextTask', () => {
  it('runs each callback later, in order, after the current task\'s microtasks', async () => {
    const order: string[] = [];
    const schedule = nextTask();
    schedule(() => order.push('first task'));
    schedule(() => order.push('second task'));
    void Promise.resolve().then(() => order.push('microtask'));
    order.push('sync');
    await new Promise((resolve) => schedule(() => resolve(undefined)));
    expect(order).toEqual(['sync', 'microtask', 'first task', 'second task']);
  });
});

