import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EMPTY_STATE, loadSidecarState, segmentsInState, StateWriter, type SidecarState } from './sidecar-state.ts';

const SESSION = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

const state = (janusSessionId: number): SidecarState => ({
  version: 1,
  janusSessionId,
  rooms: [
    {
      sessionId: SESSION,
      record: true,
      legs: [
        {
          role: 'customer',
          leg: 'publisher',
          handleId: 4242,
          transport: 'direct',
          feedId: 'customer',
          streams: { audio: ['0'], video: ['1'] },
          recording: { segment: 2, base: 'customer-2-1700000000000' },
        },
        { role: 'customer', leg: 'subscriber', handleId: 4343, transport: 'relay' },
      ],
    },
  ],
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vident-state-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('the sidecar state file', () => {
  it('round-trips through the writer, and a burst of changes ends with the latest state on disk', async () => {
    const file = path.join(dir, 'sidecar-state.json');
    let current = state(1);
    const errors: Error[] = [];
    const writer = new StateWriter(file, () => current, (e) => errors.push(e));
    const writes = [writer.changed()];
    for (let id = 2; id <= 5; id++) {
      current = state(id);
      writes.push(writer.changed());
    }
    await Promise.all(writes);
    await writer.changed();
    expect(errors).toEqual([]);
    expect(await loadSidecarState(file)).toEqual({ state: state(5), problem: null });
  });

  it('starts empty without a file, and empty with the reason from a torn or foreign one', async () => {
    const file = path.join(dir, 'sidecar-state.json');
    expect(await loadSidecarState(file)).toEqual({ state: EMPTY_STATE, problem: null });
    await writeFile(file, '{"version":1,"janusSess');
    expect(await loadSidecarState(file)).toEqual({ state: EMPTY_STATE, problem: 'not JSON' });
    await writeFile(file, JSON.stringify({ ...state(1), rooms: [{ sessionId: '../etc', record: true, legs: [] }] }));
    const loaded = await loadSidecarState(file);
    expect(loaded.state).toEqual(EMPTY_STATE);
    expect(loaded.problem).toMatch(/^invalid/);
  });

  it('reports a write failure instead of throwing, and leaves no partial file', async () => {
    const file = path.join(dir, 'missing-folder', 'sidecar-state.json');
    const errors: Error[] = [];
    await new StateWriter(file, () => state(1), (e) => errors.push(e)).changed();
    expect(errors).toHaveLength(1);
    await expect(readFile(file)).rejects.toThrow();
  });

  it('names the segments its publisher legs are still writing', () => {
    expect([...segmentsInState(state(1))]).toEqual([`${SESSION}/customer-2-1700000000000`]);
  });
});
