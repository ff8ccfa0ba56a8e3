import type { Env as AppBindings } from '../src/env.ts';

declare global {
  namespace Cloudflare {
    interface Env extends AppBindings {}
  }
}
