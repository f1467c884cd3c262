#!/usr/bin/env bash
# Prepare a fresh Debian/Ubuntu machine: system packages, the virtualenv (.venv), the package.
#   scripts/setup.sh run    what the apps need (Qt's libraries, CJK fonts)
#   scripts/setup.sh test   also what the tests need (PostgreSQL server, Xvfb, zbar, poppler)
set -euo pipefail
profile="${1:-run}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

run_pkgs=(
  libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 libxcb-render-util0
  libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libxkbcommon0 libpulse0 libegl1 libgl1
  libfontconfig1 libdbus-1-3 fonts-wqy-microhei espeak-ng
  libgssapi-krb5-2  # Qt Network, which Qt Quick (the on-screen keyboard) links
  fonts-babelstone-han  # slips: the second font, for characters outside WenQuanYi (𠮷)
)
test_pkgs=(postgresql xvfb xauth zbar-tools libzbar0 poppler-utils
  at-spi2-core dbus dbus-x11 python3-pyatspi gir1.2-atspi-2.0)
pkgs=("${run_pkgs[@]}")
[ "$profile" = test ] && pkgs+=("${test_pkgs[@]}")
python3 -c 'import ensurepip, venv' 2>/dev/null || pkgs+=(python3-venv python3-pip)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "setup: Python 3.11 or newer is required (found $(python3 --version))" >&2; exit 1; }
[ -x .venv/bin/python ] || python3 -m venv .venv
extras=""
[ "$profile" = test ] && extras="[dev]"
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".${extras}"
echo "setup: ready (.venv)"
