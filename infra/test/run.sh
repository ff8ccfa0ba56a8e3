#!/usr/bin/env bash
# The platform files' suite (infra/media-node, infra/test): type-check, then node:test through tsx.
# Needs root: nft and network namespaces.
set -euo pipefail
cd "$(dirname "$0")/../.."
npx --no-install tsc -p infra/test --noEmit
exec node_modules/.bin/tsx --test infra/test/*.test.ts
