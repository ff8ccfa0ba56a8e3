import type { Env as AppBindings } from '../src/base/env.ts';

declare global {
  namespace Cloudflare {
    interface Env extends AppBindings {}
  }
}
