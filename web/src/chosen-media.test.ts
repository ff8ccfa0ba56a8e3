import { describe, expect, it } from 'vitest';
import { saveChoice, savedChoice } from './chosen-media.ts';

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

describe('the device choice kept for a reload', () => {
  it('round-trips per session and ignores other sessions', () => {
    const storage = new MemoryStorage();
    saveChoice(storage, 's1', { cameraId: 'cam-back', microphoneId: null });
    expect(savedChoice(storage, 's1')).toEqual({ cameraId: 'cam-back', microphoneId: null });
    expect(savedChoice(storage, 's2')).toBeNull();
  });

  it('treats unreadable or missing storage as no choice', () => {
    const storage = new MemoryStorage();
    storage.setItem('vident.precheck.s1', '{broken');
    expect(savedChoice(storage, 's1')).toBeNull();
    storage.setItem('vident.precheck.s1', JSON.stringify({ cameraId: 42 }));
    expect(savedChoice(storage, 's1')).toBeNull();
    expect(savedChoice(null, 's1')).toBeNull();
    const throwing = { getItem: () => { throw new Error('SecurityError'); } };
    expect(savedChoice(throwing, 's1')).toBeNull();
    expect(() => saveChoice({ setItem: () => { throw new Error('QuotaExceededError'); } }, 's1', { cameraId: null, microphoneId: null })).not.toThrow();
  });
});
