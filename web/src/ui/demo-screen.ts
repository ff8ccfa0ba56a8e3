import type { Locale } from '@vident/protocol';
import { interpretDemoCreate, interpretDemoList, sameOriginTarget, type DemoSession } from '../demo-sessions.ts';
import { translate } from '../i18n.ts';
import { byTestId, showScreen } from './dom.ts';

/**
 * Bare visit: lists open demo sessions with "join as customer/agent" links and a create button.
 * When the deployment has demo mode off (404), it only tells the user to open the bank's link.
 */
export async function openDemoScreen(locale: Locale, onError: (message: string) => void): Promise<void> {
  const t = (key: Parameters<typeof translate>[1]) => translate(locale, key);
  const status = byTestId('demo-status');
  const list = byTestId<HTMLUListElement>('demo-sessions');
  const create = byTestId<HTMLButtonElement>('demo-create');
  const refresh = byTestId<HTMLButtonElement>('demo-refresh');
  showScreen('screen-demo');

  const load = async (): Promise<void> => {
    status.textContent = t('demo.loading');
    const result = await fetchJson('/v1/demo/sessions', { method: 'GET' }).then(([code, body]) =>
      interpretDemoList(code, body),
    );
    if (result.kind === 'disabled') {
      for (const el of [create, refresh, list, byTestId('demo-screen').querySelector('.demo-note')]) {
        if (el instanceof HTMLElement) el.hidden = true;
      }
      status.textContent = t('demo.unavailable');
      // Nothing to choose here: the heading must not ask for a role.
      byTestId('demo-screen').querySelector('h2')!.textContent = t('demo.offHeading');
      return;
    }
    if (result.kind === 'error') {
      status.textContent = t('demo.failed');
      onError(result.message);
      return;
    }
    status.textContent = result.sessions.length === 0 ? t('demo.empty') : '';
    list.replaceChildren(...result.sessions.map((s) => renderItem(s, t)));
  };

  create.addEventListener('click', async () => {
    create.disabled = true;
    try {
      const [code, body] = await fetchJson('/v1/demo/sessions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ locale }),
      });
      const result = interpretDemoCreate(code, body);
      if (result.kind === 'error') onError(result.message);
      await load();
    } finally {
      create.disabled = false;
    }
  });
  refresh.addEventListener('click', () => void load());
  await load();
}

function renderItem(session: DemoSession, t: (key: Parameters<typeof translate>[1]) => string): HTMLLIElement {
  const li = document.createElement('li');
  li.className = 'demo-item';
  li.dataset.sessionId = session.sessionId;
  const name = document.createElement('div');
  name.className = 'demo-item-name';
  name.textContent = session.customerName ?? session.sessionId.slice(0, 8);
  const meta = document.createElement('div');
  meta.className = 'demo-item-meta';
  meta.textContent = [session.sessionId, session.state].filter(Boolean).join(' · ');
  const actions = document.createElement('div');
  actions.className = 'demo-item-actions';
  for (const [role, url, key] of [
    ['customer', session.customerUrl, 'demo.asCustomer'],
    ['agent', session.agentUrl, 'demo.asAgent'],
  ] as const) {
    const target = sameOriginTarget(url, location.origin);
    if (target === null) continue;
    const a = document.createElement('a');
    a.className = 'btn btn-outline';
    a.href = target;
    a.dataset.testid = `demo-join-${role}`;
    a.textContent = t(key);
    actions.append(a);
  }
  li.append(name, meta, actions);
  return li;
}

/** fetch + JSON body (null when the body is not JSON); network failures become status 0. */
async function fetchJson(url: string, init: RequestInit): Promise<[number, unknown]> {
  try {
    const res = await fetch(url, { ...init, credentials: 'same-origin' });
    const body: unknown = await res.json().catch(() => null);
    return [res.status, body];
  } catch {
    return [0, null];
  }
}
