#!/usr/bin/env bash
# One AT-SPI walk of the kiosk (run inside `dbus-run-session`): a private X server, the
# accessibility bus, the kiosk on the xcb platform, then the walker with the system python3.
#   atspi_session.sh PYTHON DB_URL ELDER(0|1) WIDTHxHEIGHT MIN_TARGET STEP...
set -euo pipefail
python="$1" url="$2" elder="$3" size="$4" min_target="$5"
shift 5
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d)"
cleanup() {
  [ -n "${kiosk:-}" ] && kill "$kiosk" 2>/dev/null || true
  [ -n "${xvfb:-}" ] && kill "$xvfb" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# -displayfd: the server picks a free display and writes its number when it is ready.
Xvfb -displayfd 3 -screen 0 "${size}x24" -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
xvfb=$!
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$work/display")"
dbus-update-activation-environment DISPLAY
# Asking for the accessibility bus's address starts it.
dbus-send --session --print-reply --dest=org.a11y.Bus /org/a11y/bus org.a11y.Bus.GetAddress \
  >/dev/null
flags=()
[ "$elder" = 1 ] && flags+=(--elder)
cd "$here"
QT_QPA_PLATFORM=xcb QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1 PYTHONPATH="$here" \
  "$python" -m tests.support.atspi_kiosk "$url" --size "$size" "${flags[@]}" \
  >"$work/kiosk.log" 2>&1 &
kiosk=$!
for _ in $(seq 300); do
  grep -q "kiosk ready" "$work/kiosk.log" && break
  kill -0 "$kiosk" 2>/dev/null || { cat "$work/kiosk.log" >&2; exit 1; }
  sleep 0.1
done
/usr/bin/python3 "$here/tests/support/atspi_walk.py" hall-kiosk-walk "$min_target" "$@"
