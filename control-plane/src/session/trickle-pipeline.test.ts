import { describe, expect, it } from 'vitest';
import { TricklePipeline } from './trickle-pipeline.ts';

/** A command whose node answer the test releases by hand. */
function held(log: string[], name: string) {
  let release!: () => void;
  const answered = new Promise<void>((r) => (release = r));
  return {
    release,
    send: async () => {
      log.push(`start ${name}`);
      await answered;
      log.push(`end ${name}`);
    },
  };
}

describe('trickle pipeline', () => {
  it("returns at once, runs a role's commands one after another in order, and each role apart", async () => {
    const pipe = new TricklePipeline();
    const log: string[] = [];
    const [a1, a2, c1] = [held(log, 'agent-1'), held(log, 'agent-2'), held(log, 'customer-1')];
    pipe.push('agent', a1.send);
    pipe.push('agent', a2.send);
    pipe.push('customer', c1.send);
    await Promise.resolve();
    // The customer's command does not wait for the agent's unanswered one; agent-2 does.
    expect(log).toEqual(['start agent-1', 'start customer-1']);
    a1.release();
    await new Promise((r) => setTimeout(r, 0));
    expect(log).toEqual(['start agent-1', 'start customer-1', 'end agent-1', 'start agent-2']);
    a2.release();
    c1.release();
    await Promise.all([pipe.drained('agent'), pipe.drained('customer')]);
    expect(log.slice(4).sort()).toEqual(['end agent-2', 'end customer-1']);
  });

  it('drained waits for every command pushed so far, and a failed one does not stop the next', async () => {
    const pipe = new TricklePipeline();
    const done: string[] = [];
    pipe.push('customer', async () => {
      throw new Error('node refused');
    });
    pipe.push('customer', async () => {
      await new Promise((r) => setTimeout(r, 5));
      done.push('second');
    });
    await pipe.drained('customer');
    expect(done).toEqual(['second']);
  });
});
