#!/usr/bin/env bash
# Installs the extension-host test harness (code-server 4.100.3 + playwright-core) from its
# own package.json and lockfile (test/harness/) into an ignored folder, the way
# @vscode/test-electron fetches VS Code at test time. The product's own `npm ci` never
# installs it: a user who wants the CLI or the extension does not pay for a VS Code server,
# a browser driver and a minute of native builds.
#
# Called by scripts/runIntegration.js before every run (a no-op when the install is current)
# and up front by .ci/run. Exit 0: ready. Exit 3: system packages missing (named in one
# line). Anything else: the npm install failed (its output is above).
#
#   bash scripts/installHarness.sh           install when missing or out of date
#   bash scripts/installHarness.sh --check   only check the system needs
#   RM_HARNESS_DIR=DIR                       install there (default .vscode-test/harness)
#   RM_CHROMIUM=PATH                         the Chromium the harness drives (default /usr/bin/chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
src="$root/test/harness"
dir="${RM_HARNESS_DIR:-$root/.vscode-test/harness}"
case "$dir" in /*) ;; *) dir="$root/$dir" ;; esac

# The @vscode/ripgrep@1.15.11 that code-server's nested install pulls in downloads rg from
# GitHub unless its cache already holds the release tarball; we seed that cache with
# Debian's rg (apt: ripgrep), so the install needs the npm registry only.
rg_cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
rg_tar="$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"

# What the harness needs from the system, as Debian package names: the browser that is the
# workbench client, the GSSAPI headers VS Code's `kerberos` module builds against, rg for
# the cache above, and a C++ toolchain for node-pty, spdlog and kerberos.
missing=()
chromium="${RM_CHROMIUM:-/usr/bin/chromium}"
[[ -x "$chromium" ]] || missing+=(chromium)
[[ -e /usr/include/gssapi/gssapi.h ]] || missing+=(libkrb5-dev)
[[ -s "$rg_tar" ]] || command -v rg >/dev/null || missing+=(ripgrep)
{ command -v make >/dev/null && command -v g++ >/dev/null; } || missing+=(build-essential)
command -v python3 >/dev/null || missing+=(python3)
if ((${#missing[@]})); then
  echo "installHarness: missing system packages for the extension-host tests; install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 3
fi
[[ "${1:-}" == --check ]] && exit 0

# Current when the lockfile and the Node ABI (native modules are built for it) are unchanged.
stamp_want="$(sha256sum "$src/package-lock.json" | cut -c1-64) node-$(node -p 'process.versions.modules')"
mkdir -p "$dir"
exec 9>"$dir/.lock"
flock 9 # two test runs starting at once install once
if [[ -f "$dir/.installed" && "$(cat "$dir/.installed")" == "$stamp_want" ]]; then exit 0; fi

echo "installHarness: installing code-server and playwright-core into ${dir#"$root/"} (about a minute, once)"
started=$SECONDS
if [[ ! -s "$rg_tar" ]]; then
  stage="$(mktemp -d)"
  cp "$(command -v rg)" "$stage/rg"
  mkdir -p "$rg_cache"
  tar -czf "$rg_tar" -C "$stage" rg
  rm -rf "$stage"
fi
rm -f "$dir/.installed"
cp "$src/package.json" "$src/package-lock.json" "$dir/"

# code-server's postinstall refuses to run as root without unsafe_perm, and node-pty's
# install runs `npx node-gyp`, which needs yes=true when the user config says yes=false.
# npm 11 runs dependency install scripts only when package.json "allowScripts" approves
# them: test/harness/package.json approves code-server (its postinstall installs VS Code's
# own dependencies, whose native builds then run) and argon2.
(cd "$dir" && npm_config_unsafe_perm=true npm_config_yes=true npm ci --no-audit --no-fund --loglevel=error)

# A code-server whose nested install silently skipped its native builds starts, then fails
# in the extension host; check the pieces the harness relies on.
vs="$dir/node_modules/code-server/lib/vscode/node_modules"
for f in "$vs/node-pty/build/Release/pty.node" "$vs/@vscode/ripgrep/bin/rg" "$vs/@vscode/spdlog/build/Release/spdlog.node" \
  "$dir/node_modules/playwright-core/package.json"; do
  [[ -e "$f" ]] || { echo "installHarness: missing $f (a blocked or failed install script)" >&2; exit 1; }
done
echo "$stamp_want" >"$dir/.installed"
echo "installHarness: ready in $((SECONDS - started)) s, $(du -sm "$dir/node_modules" | cut -f1) MB"
