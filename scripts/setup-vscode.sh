#!/usr/bin/env bash
# Installs a real VS Code (code-server, from the npm registry) under Node 24 into
# .cache/vscode/ (outside the extension's own dependencies). Idempotent: does nothing
# when the pinned versions are already there.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dir="$here/.cache/vscode"
CODE_SERVER_VERSION="4.139.1"
NODE24_VERSION="24.9.0"
mkdir -p "$dir"
cd "$dir"
if [ -x "$dir/node_modules/.bin/code-server" ] && grep -q "\"version\": \"$CODE_SERVER_VERSION\"" "$dir/node_modules/code-server/package.json" 2>/dev/null; then
  echo "code-server $CODE_SERVER_VERSION already installed in $dir"
  exit 0
fi
[ -f package.json ] || echo '{ "name": "mcp-secure-vscode-under-test", "private": true }' > package.json
if [ ! -x "$dir/node24/node_modules/node/bin/node" ]; then
  mkdir -p node24 && (cd node24 && { [ -f package.json ] || echo '{ "private": true }' > package.json; } && npm install --no-audit --no-fund "node@$NODE24_VERSION")
fi
node24_bin="$dir/node24/node_modules/node/bin"
"$node24_bin/node" --version
# code-server's postinstall checks the Node major of the npm that runs it, and refuses root
# without unsafe-perm.
PATH="$node24_bin:$PATH" npm_config_unsafe_perm=true npm install --no-audit --no-fund "code-server@$CODE_SERVER_VERSION"
echo "code-server installed: $("$dir/node_modules/.bin/code-server" --version | head -1)"
