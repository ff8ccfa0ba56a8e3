import { RECORDING_CONSENT_VERSION } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { consentStep, mayPublish } from './consent.ts';

const recorded = { record: true, consent: null };
const given = { record: true, consent: { version: RECORDING_CONSENT_VERSION, at: '2026-11-23T10:00:00.000Z' } };
const unrecorded = { record: false, consent: null };
const accept = { version: RECORDING_CONSENT_VERSION, accepted: true };

describe('recording consent', () => {
  it('only the customer of a recorded session consents, to the current text', () => {
    expect(consentStep(recorded, 'customer', accept)).toEqual({ kind: 'give', version: RECORDING_CONSENT_VERSION });
    expect(consentStep(given, 'customer', accept)).toEqual({ kind: 'none' });
    expect(consentStep(recorded, 'agent', accept)).toMatchObject({ kind: 'refuse', code: 'forbidden' });
    expect(consentStep(unrecorded, 'customer', accept)).toMatchObject({ kind: 'refuse', code: 'conflict' });
    expect(consentStep(recorded, 'customer', { version: 'older', accepted: true })).toMatchObject({ kind: 'refuse', code: 'validation_failed' });
  });

  it('declining, of any text version and even after consenting, is a decline', () => {
    expect(consentStep(recorded, 'customer', { version: 'older', accepted: false })).toEqual({ kind: 'decline', version: 'older' });
    expect(consentStep(given, 'customer', { ...accept, accepted: false })).toEqual({ kind: 'decline', version: RECORDING_CONSENT_VERSION });
  });

  it('gates the customer’s publish in recorded sessions only', () => {
    expect(mayPublish(recorded, 'customer')).toBe(false);
    expect(mayPublish(recorded, 'agent')).toBe(true);
    expect(mayPublish(given, 'customer')).toBe(true);
    expect(mayPublish(unrecorded, 'customer')).toBe(true);
  });
});
