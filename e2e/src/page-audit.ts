import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

/** Where every screen's screenshots go (git-ignored; CI keeps them as the run's artifacts). */
export const SCREENSHOT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-results', 'screenshots');

/** The two sizes every screen is checked and photographed at. */
export const AUDIT_SIZES = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 800 },
} as const;

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let axeSource: Promise<string> | undefined;

/** One axe finding worth failing a test for. */
export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Checks the page as it is now at phone and desktop size: axe-core (WCAG 2.x A/AA rules) must find
 * no serious or critical violation, and a full-page screenshot of each size is saved as
 * `<name>-phone.png` / `<name>-desktop.png`. Returns the findings (empty = pass) so the caller's
 * assertion shows them; the viewport is restored afterwards.
 */
export async function auditScreen(page: Page, name: string): Promise<AxeFinding[]> {
  const before = page.viewportSize();
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const findings: AxeFinding[] = [];
  for (const [size, viewport] of Object.entries(AUDIT_SIZES)) {
    await page.setViewportSize(viewport);
    // Let layout (and any CSS transition) settle at the new size before judging or photographing it.
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${size}.png`), fullPage: true });
    findings.push(...(await runAxe(page)).map((f) => ({ ...f, id: `${size}: ${f.id}` })));
  }
  if (before) await page.setViewportSize(before);
  return findings;
}

async function runAxe(page: Page): Promise<AxeFinding[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  // Evaluated through the DevTools protocol, not added as a <script>: the pages' Content Security
  // Policy (script-src 'self') rightly refuses inline scripts, and the audit must not weaken it.
  if (!loaded) await page.evaluate(await (axeSource ??= readFile(axePath, 'utf8')));
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<AxeResults> } }).axe;
    interface AxeResults {
      violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
    }
    const results = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact ?? '',
        help: v.help,
        targets: v.nodes.slice(0, 5).map((n) => n.target.map(String).join(' ')),
      }));
  });
}
