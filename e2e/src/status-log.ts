import type { Page } from 'playwright-core';

/**
 * Records every `data-state` the page's connection status shows from now on (a MutationObserver
 * reads the DOM the user sees; the call itself is untouched), so short states are not missed.
 */
export async function recordStatuses(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __statusLog?: string[] };
    const el = document.querySelector<HTMLElement>('[data-testid="connection-status"]')!;
    w.__statusLog = [el.dataset.state ?? ''];
    new MutationObserver(() => {
      const state = el.dataset.state ?? '';
      if (w.__statusLog!.at(-1) !== state) w.__statusLog!.push(state);
    }).observe(el, { attributes: true, attributeFilter: ['data-state'] });
  });
}

/** The states recorded since recordStatuses, oldest first (repeats collapsed). */
export function statusesSeen(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __statusLog?: string[] }).__statusLog ?? []);
}
