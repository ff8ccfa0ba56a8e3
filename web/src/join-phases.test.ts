import { describe, expect, it } from 'vitest';
import { JOIN_PHASES, JoinPhases } from './join-phases.ts';

describe('join phases', () => {
  it('keeps each phase at its first occurrence, rounded, and lists them in join order', () => {
    let now = 100.4;
    const phases = new JoinPhases(() => now);
    phases.mark('welcome');
    now = 250.6;
    phases.mark('socket-open');
    // A reconnect's second welcome and a republish do not move the first join's figures.
    now = 9000;
    phases.mark('welcome');
    phases.mark('first-frame');
    const snapshot = phases.snapshot();
    expect(snapshot).toEqual({ 'socket-open': 251, welcome: 100, 'first-frame': 9000 });
    expect(Object.keys(snapshot)).toEqual(['socket-open', 'welcome', 'first-frame']);
  });

  it('hands out copies', () => {
    const phases = new JoinPhases(() => 1);
    const before = phases.snapshot();
    phases.mark('camera');
    expect(before).toEqual({});
    expect(JOIN_PHASES.indexOf('camera')).toBeLessThan(JOIN_PHASES.indexOf('publish-sent'));
  });
});
