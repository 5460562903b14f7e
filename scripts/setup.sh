#!/usr/bin/env bash
# One-time setup of a fresh Debian machine (idempotent; quick when everything is present):
#   - Debian packages: keytar build deps, a real Secret Service for tests, Chromium, ripgrep
#   - npm packages of the project (npm ci)
#   - a real VS Code (code-server) under Node 24 in .cache/vscode/
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config gnome-keyring
          libsecret-tools dbus-x11 chromium ripgrep git)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# keytar has no prebuilt binary reachable offline: make sure it was compiled.
[ -f node_modules/keytar/build/Release/keytar.node ] || npm rebuild keytar

bash scripts/setup-vscode.sh
echo "Setup complete."
