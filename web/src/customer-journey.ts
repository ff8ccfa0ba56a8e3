import type { Locale } from '@vident/protocol';
import { ChosenMedia, saveChoice, savedChoice, type DeviceChoice } from './chosen-media.ts';
import type { JoinLink } from './join-link.ts';
import { LandingScreen } from './ui/landing-screen.ts';
import { PrecheckScreen } from './ui/precheck-screen.ts';
import { sendPrecheckSignal } from './precheck-signal.ts';

export interface CustomerJourneyOptions {
  link: JoinLink;
  locale: () => Locale;
  /** sessionStorage (null when the browser refuses it). */
  storage: Storage | null;
  /**
   * On to the call with these media. `autoStart`: straight in after the check; false after a
   * reload, where the existing join screen (one click, the reconnect path) comes back.
   */
  enterCall(media: ChosenMedia, autoStart: boolean): void;
}

/**
 * The customer's way in before the call: landing -> pre-call check -> (consent and call, run by the
 * call controller). A tab that already passed this session's check (a reload mid-call) skips both.
 */
export function openCustomerJourney(opts: CustomerJourneyOptions): void {
  const { link } = opts;
  const saved = savedChoice(opts.storage, link.sessionId);
  if (saved !== null) {
    opts.enterCall(new ChosenMedia(saved), false);
    return;
  }
  const target = { origin: location.origin, sessionId: link.sessionId, token: link.token };
  const precheck = new PrecheckScreen({
    locale: opts.locale,
    probe: target,
    choice: { cameraId: null, microphoneId: null },
    onContinue: (stream: MediaStream, choice: DeviceChoice) => {
      saveChoice(opts.storage, link.sessionId, choice);
      opts.enterCall(new ChosenMedia(choice, stream), true);
    },
    // The controller connects and shows the end screen (or the refusal) the server answers.
    onSessionOver: () => opts.enterCall(new ChosenMedia({ cameraId: null, microphoneId: null }), true),
  });
  new LandingScreen(link, opts.locale, () => precheck.start()).show();
  void sendPrecheckSignal(target, 'link_opened');
}

/** window.sessionStorage, or null where reading it throws (storage disabled). */
export function sessionStorageOrNull(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}
