#!/usr/bin/env bash
# Installs what the real-VS-Code tests need: Debian's Chromium, the headers and tools code-server's
# native modules build from, and code-server itself (test/vscode/package.json, its own lock).
# Idempotent: does nothing when everything is already there. Works offline except for the npm
# registry and Debian's apt (see /work/shared/harness/REAL-VSCODE.md for why each step exists).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

log() { printf '[vscode-install] %s\n' "$*"; }
start=$(date +%s)

# --- 1. System packages --------------------------------------------------------------------------
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v rg >/dev/null || need+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
command -v make >/dev/null || need+=(make)
command -v g++ >/dev/null || need+=(g++)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  log "apt-get install ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# --- 2. code-server ------------------------------------------------------------------------------
cs="$here/node_modules/code-server"
installed_version() { node -p "require('$1/package.json').version" 2>/dev/null || true; }
want=$(node -p "require('./package.json').dependencies['code-server']")
if [ -f "$here/node_modules/.loom-installed" ] && [ "$(installed_version "$cs")" = "$want" ] \
  && [ -f "$cs/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ]; then
  log "code-server $want already installed ($(( $(date +%s) - start ))s)"
  exit 0
fi

export npm_config_unsafe_perm=true   # code-server's postinstall refuses to run as root without it
export npm_config_yes=true           # node-pty's postinstall runs `npx node-gyp`
export npm_config_audit=false npm_config_fund=false

# Unpack the tree without running scripts, so the nested lock can be read before postinstall runs.
log "npm ci --ignore-scripts"
rm -f "$here/node_modules/.loom-installed"
npm ci --ignore-scripts --no-audit --no-fund

# @vscode/ripgrep's postinstall downloads rg from GitHub unless it finds a cached tarball in
# $TMPDIR/vscode-ripgrep-cache-<its version>/ripgrep-<rg version>-<target>.tar.gz. Put Debian's rg
# there, under the names that the version code-server actually pulls in expects.
rg_pkg_version=$(node -p "require('$cs/lib/vscode/npm-shrinkwrap.json').packages['node_modules/@vscode/ripgrep'].version")
tmp_pack=$(mktemp -d)
( cd "$tmp_pack" && npm pack "@vscode/ripgrep@$rg_pkg_version" --silent >/dev/null && tar xzf ./*.tgz )
rg_release=$(sed -n "s/^const VERSION = '\([^']*\)'.*/\1/p" "$tmp_pack/package/lib/postinstall.js")
rm -rf "$tmp_pack"
case "$(uname -m)" in
  x86_64) rg_target=x86_64-unknown-linux-musl ;;
  aarch64) rg_target=aarch64-unknown-linux-musl ;;
  *) echo "unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac
[ -n "$rg_release" ] || { echo "could not read ripgrep's release from @vscode/ripgrep@$rg_pkg_version" >&2; exit 1; }
rg_cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-$rg_pkg_version"
rg_tarball="$rg_cache/ripgrep-$rg_release-$rg_target.tar.gz"
mkdir -p "$rg_cache"
rg_stage=$(mktemp -d)
cp "$(command -v rg)" "$rg_stage/rg"
tar czf "$rg_tarball" -C "$rg_stage" rg
rm -rf "$rg_stage"
log "@vscode/ripgrep $rg_pkg_version will use cached $rg_tarball"

# Now run the install scripts: code-server's postinstall installs lib/vscode (native modules build
# from source, about two minutes on two cores).
log "npm rebuild (code-server postinstall, native modules)"
npm rebuild --foreground-scripts

got=$(installed_version "$cs/lib/vscode/node_modules/@vscode/ripgrep")
[ "$got" = "$rg_pkg_version" ] || { echo "expected @vscode/ripgrep $rg_pkg_version, got '$got'" >&2; exit 1; }
[ -x "$cs/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ] || { echo "ripgrep binary missing" >&2; exit 1; }
touch "$here/node_modules/.loom-installed"
log "code-server $want installed in $(( $(date +%s) - start ))s"
