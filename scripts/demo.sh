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
  # The demo kiosk gets a random admin PIN of its own (real halls set theirs: see the README).
  pin=""
  for _ in 1 2 3 4 5; do
    candidate=$(.venv/bin/python -c 'import secrets; print(f"{secrets.randbelow(10**6):06d}")')
    if printf '%s\n' "$candidate" | .venv/bin/hall kiosk set-pin --pin-stdin >/dev/null 2>&1; then
      pin=$candidate
      break
    fi
  done
  [ -n "$pin" ] && printf '%s\n' "$pin" > demo/kiosk-pin.txt
fi
# Three clerks at their windows, so the demo shows waits (a window counts only while signed in).
for n in 1 2 3; do
  .venv/bin/hall window sign-in "$n" --as "window$n" >/dev/null 2>&1 || true
done
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "demo: no display found; run this from a desktop session (or set DISPLAY)" >&2
  exit 1
fi
echo "demo: database $HALL_DATABASE_URL"
echo "demo: staff accounts admin, manager, guide1, assistant1, window1, docent1 (password demo1234)"
[ -f demo/kiosk-pin.txt ] && echo "demo: the demo kiosk's admin exit PIN is in demo/kiosk-pin.txt"
.venv/bin/hall-kiosk --windowed &
kiosk=$!
trap 'kill $kiosk 2>/dev/null || true' EXIT
.venv/bin/hall-reception
