import type { ClientMessage, Role } from '@vident/protocol';
import { consentMessage, consentStep, type ConsentState, type ConsentStep } from './consent-gate.ts';

/**
 * The customer's answer to the recording consent on this page, and what it sends. The rules
 * (when to ask, resend or proceed) are consent-gate.ts; the call shows the prompt and publishes
 * only once this says so.
 */
export class RecordingConsent {
  /** The customer clicked accept on this page (survives reconnects, see consentStep). */
  private acceptedOnThisPage = false;
  private declined = false;

  constructor(
    private readonly role: Role,
    private readonly send: (message: ClientMessage) => boolean,
  ) {}

  /** The customer declined; the page waits for the session to end and takes no other answer. */
  get declining(): boolean {
    return this.declined;
  }

  /** What to do after `welcome` with the session's consent; a `resend` is sent here. */
  afterWelcome(consent: ConsentState): ConsentStep {
    const step = consentStep({ role: this.role, consent, acceptedOnThisPage: this.acceptedOnThisPage });
    if (step === 'resend') this.send(consentMessage(true));
    return step;
  }

  /**
   * Sends the acceptance; false (nothing remembered) when the socket is not open. The server
   * handles frames in order, so a publish that follows finds the consent stored.
   */
  accept(): boolean {
    if (!this.send(consentMessage(true))) return false;
    this.acceptedOnThisPage = true;
    return true;
  }

  /** Sends the refusal (the server cancels the session); answers whether it went out. */
  decline(): boolean {
    this.declined = true;
    return this.send(consentMessage(false));
  }

  /**
   * The server answered `consent_required` (it never got ours): true when the page must ask
   * again, forgetting the click, instead of publishing.
   */
  askAgain(): boolean {
    if (this.role !== 'customer' || this.declined) return false;
    this.acceptedOnThisPage = false;
    return true;
  }
}
