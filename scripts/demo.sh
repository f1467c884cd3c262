#!/usr/bin/env bash
# Set everything up, fill a demo database and start the kiosk and the reception console.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
bash scripts/setup.sh run
export HALL_DATABASE_URL="${HALL_DATABASE_URL:-sqlite:///$here/demo/servicehall-demo.db}"
mkdir -p demo
.venv/bin/hall init-db
if ! .venv/bin/hall doctor --json | .venv/bin/python -c \
    'import json,sys; sys.exit(0 if json.load(sys.stdin)["counts"]["sites"] else 1)'; then
  .venv/bin/hall seed-demo
fi
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "demo: no display found; run this from a desktop session (or set DISPLAY)" >&2
  exit 1
fi
echo "demo: database $HALL_DATABASE_URL"
echo "demo: staff accounts admin, manager, guide1, assistant1, window1, docent1 (password demo1234)"
.venv/bin/hall-kiosk --windowed &
kiosk=$!
trap 'kill $kiosk 2>/dev/null || true' EXIT
.venv/bin/hall-reception
