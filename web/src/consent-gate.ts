import { RECORDING_CONSENT_VERSION, type ClientMessage, type Role, type SessionSummary } from '@vident/protocol';

/** The session's consent state as `welcome` reports it. */
export type ConsentState = SessionSummary['consent'];

/**
 * What the page does with its media after a `welcome`:
 * - `ask`: show the consent step; no camera, no publish until the customer accepts.
 * - `resend`: the customer accepted on this page but the server never stored it (the socket dropped
 *   in between): send the acceptance again, then publish. Asking twice for one click would confuse.
 * - `proceed`: publish (agent, unrecorded session, or consent already given, e.g. after a reload).
 */
export type ConsentStep = 'ask' | 'resend' | 'proceed';

export function consentStep(input: { role: Role; consent: ConsentState; acceptedOnThisPage: boolean }): ConsentStep {
  // Only the customer's publish is gated; the agent's consent is their employment contract.
  if (input.role !== 'customer' || input.consent !== 'pending') return 'proceed';
  return input.acceptedOnThisPage ? 'resend' : 'ask';
}

/** The `consent` frame for the text version this page shows (see i18n `consent.*`). */
export function consentMessage(accepted: boolean): Extract<ClientMessage, { type: 'consent' }> {
  return { type: 'consent', version: RECORDING_CONSENT_VERSION, accepted };
}

/** Where the page's own media stands: nothing yet, asking the browser, live, or refused. */
export type MediaPhase = 'idle' | 'acquiring' | 'ready' | 'failed';

/** The screen a participant page shows while it has a call controller. */
export type CallPageScreen = 'join' | 'consent' | 'call' | 'end';

/**
 * Picks the screen: the end screen wins, then the consent step, then the call once the camera is
 * live; until then the join screen stays up (connecting, camera prompt, or a retry after a refusal).
 */
export function screenForCall(view: { ended: object | null; consentPrompt: boolean; media: MediaPhase }): CallPageScreen {
  if (view.ended !== null) return 'end';
  if (view.consentPrompt) return 'consent';
  if (view.media === 'ready') return 'call';
  return 'join';
}

/**
 * May the page open its camera now? The agent's publish is never gated, so the agent asks at once,
 * while the page connects. A customer's page does not know before `welcome` whether the session
 * is recorded and consented (`consent` null): it waits, and after `welcome` asks unless the
 * consent step is still to be shown; no camera is opened before a recorded customer consents.
 */
export function mayOpenCamera(input: { role: Role; consent: ConsentState | null; acceptedOnThisPage: boolean }): boolean {
  if (input.role !== 'customer') return true;
  if (input.consent === null) return false;
  return consentStep({ role: input.role, consent: input.consent, acceptedOnThisPage: input.acceptedOnThisPage }) !== 'ask';
}
