#!/usr/bin/env bash
# `npm ci` that works on a machine that reaches the npm registry but not GitHub
# (see README, Development, and the integration harness in scripts/runIntegration.js).
set -euo pipefail
cd "$(dirname "$0")/.."

# code-server's postinstall refuses to run as root without unsafe_perm, and node-pty's
# install runs `npx node-gyp`, which needs yes=true when the user config says yes=false.
export npm_config_unsafe_perm=true npm_config_yes=true

# npm 11 skips dependency install scripts unless package.json "allowScripts" approves them
# (`npm help install-scripts`): ours approves code-server (its postinstall installs VS Code's
# own dependencies) and argon2, and denies @vscode/vsce-sign (signing only; its postinstall
# downloads). The nested `npm install` in node_modules/code-server/lib/vscode has no
# allowScripts of its own, so npm runs its native builds (node-pty, kerberos, spdlog…);
# `--allow-scripts`/npm_config_allow_scripts is rejected for project installs (EALLOWSCRIPTS).

# The nested install of @vscode/ripgrep@1.15.11 downloads rg from GitHub unless its cache
# already holds the release tarball; seed that cache with Debian's rg (apt: ripgrep).
rg_cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
rg_tar="$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [[ ! -s "$rg_tar" ]]; then
  rg_bin="$(command -v rg || true)"
  if [[ -z "$rg_bin" ]]; then echo "npmCi: ripgrep (apt: ripgrep) is needed to seed the @vscode/ripgrep cache" >&2; exit 1; fi
  stage="$(mktemp -d)"
  cp "$rg_bin" "$stage/rg"
  mkdir -p "$rg_cache"
  tar -czf "$rg_tar" -C "$stage" rg
  rm -rf "$stage"
fi

npm ci --no-audit --no-fund

# A code-server whose nested install silently skipped its native builds starts, then
# fails in the extension host; check the pieces the harness relies on.
vs=node_modules/code-server/lib/vscode/node_modules
for f in "$vs/node-pty/build/Release/pty.node" "$vs/@vscode/ripgrep/bin/rg" "$vs/@vscode/spdlog/build/Release/spdlog.node"; do
  [[ -e "$f" ]] || { echo "npmCi: missing $f (a blocked or failed install script)" >&2; exit 1; }
done
