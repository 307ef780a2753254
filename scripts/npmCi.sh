#!/usr/bin/env bash
# `npm ci` that works offline-from-GitHub on this kind of machine (see README, Development).
set -euo pipefail
cd "$(dirname "$0")/.."
export npm_config_unsafe_perm=true npm_config_yes=true
npm ci --no-audit --no-fund
