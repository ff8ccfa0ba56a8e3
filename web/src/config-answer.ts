/**
 * `GET /v1/config` as it came (status and JSON body, or null), fetched by the call page while its
 * first screen is up; `readConfig` in public-config.ts interprets it once the call's code is there.
 * Split from the interpretation so the page's first bundle carries no schema for it (issue 16).
 */
export interface ConfigAnswer {
  status: number;
  body: unknown;
  /** The request failed outright (offline, blocked): no status to speak of. */
  failure?: unknown;
}

/** Never rejects: a failed request is an answer the interpretation falls back on. */
export async function fetchConfig(): Promise<ConfigAnswer> {
  try {
    const res = await fetch('/v1/config', { credentials: 'same-origin' });
    return { status: res.status, body: await res.json().catch(() => null) };
  } catch (err) {
    return { status: 0, body: null, failure: err };
  }
}
