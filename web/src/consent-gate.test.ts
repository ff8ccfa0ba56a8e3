import { describe, expect, it } from 'vitest';
import { ClientMessage, RECORDING_CONSENT_VERSION } from '@vident/protocol';
import { consentMessage, consentStep, mayOpenCamera, screenForCall, type ConsentState } from './consent-gate.ts';

describe('consentStep', () => {
  const states: ConsentState[] = ['not_required', 'pending', 'given'];

  it('asks the customer of a recorded session before any media', () => {
    expect(consentStep({ role: 'customer', consent: 'pending', acceptedOnThisPage: false })).toBe('ask');
  });
  it('skips the step when consent is already given (a reconnect or reload) or not needed', () => {
    for (const accepted of [false, true]) {
      expect(consentStep({ role: 'customer', consent: 'given', acceptedOnThisPage: accepted })).toBe('proceed');
      expect(consentStep({ role: 'customer', consent: 'not_required', acceptedOnThisPage: accepted })).toBe('proceed');
    }
  });
  it('re-sends an acceptance the server lost instead of asking again', () => {
    expect(consentStep({ role: 'customer', consent: 'pending', acceptedOnThisPage: true })).toBe('resend');
  });
  it('never gates the agent', () => {
    for (const consent of states) {
      for (const accepted of [false, true]) expect(consentStep({ role: 'agent', consent, acceptedOnThisPage: accepted })).toBe('proceed');
    }
  });
});

describe('consentMessage', () => {
  it('builds frames the server schema accepts, carrying the text version', () => {
    for (const accepted of [true, false]) {
      const message = consentMessage(accepted);
      expect(message).toEqual({ type: 'consent', version: RECORDING_CONSENT_VERSION, accepted });
      expect(ClientMessage.safeParse(message).success).toBe(true);
    }
  });
});

describe('screenForCall', () => {
  const over = { reason: 'approved', durationMs: 1000 };
  it('keeps the join screen until the camera is live', () => {
    for (const media of ['idle', 'acquiring', 'failed'] as const) {
      expect(screenForCall({ ended: null, consentPrompt: false, media })).toBe('join');
    }
    expect(screenForCall({ ended: null, consentPrompt: false, media: 'ready' })).toBe('call');
  });
  it('shows the consent step before anything else, even over a live call (server asked again)', () => {
    expect(screenForCall({ ended: null, consentPrompt: true, media: 'idle' })).toBe('consent');
    expect(screenForCall({ ended: null, consentPrompt: true, media: 'ready' })).toBe('consent');
  });
  it('lets the end screen win', () => {
    expect(screenForCall({ ended: over, consentPrompt: true, media: 'ready' })).toBe('end');
    expect(screenForCall({ ended: over, consentPrompt: false, media: 'idle' })).toBe('end');
  });
});

describe('when the page may open its camera', () => {
  it('the agent at once, before welcome, whatever the consent', () => {
    expect(mayOpenCamera({ role: 'agent', consent: null, acceptedOnThisPage: false })).toBe(true);
    expect(mayOpenCamera({ role: 'agent', consent: 'pending', acceptedOnThisPage: false })).toBe(true);
  });

  it('the customer never before welcome: whether it must consent first is not known yet', () => {
    expect(mayOpenCamera({ role: 'customer', consent: null, acceptedOnThisPage: false })).toBe(false);
    expect(mayOpenCamera({ role: 'customer', consent: null, acceptedOnThisPage: true })).toBe(false);
  });

  it('a recorded customer only after consenting; an unrecorded or consented one at once', () => {
    expect(mayOpenCamera({ role: 'customer', consent: 'pending', acceptedOnThisPage: false })).toBe(false);
    expect(mayOpenCamera({ role: 'customer', consent: 'pending', acceptedOnThisPage: true })).toBe(true);
    expect(mayOpenCamera({ role: 'customer', consent: 'given', acceptedOnThisPage: false })).toBe(true);
    expect(mayOpenCamera({ role: 'customer', consent: 'not_required', acceptedOnThisPage: false })).toBe(true);
  });
});
