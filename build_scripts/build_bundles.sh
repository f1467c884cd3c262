#!/usr/bin/env bash
# Build the one-folder bundles dist/hall-kiosk/ and dist/hall-reception/, then run each
# bundle's --selftest (§11): the build fails if either bundle cannot start.
#
# Usage: build_scripts/build_bundles.sh [--clean]
#   PYTHON=/path/to/venv/bin/python  the interpreter whose PyInstaller and packages to bundle
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
DIST="$ROOT/dist"
WORK="$ROOT/build/pyinstaller"
APPS=(kiosk reception)

clean=()
if [[ "${1:-}" == "--clean" ]]; then
    clean=(--clean)
fi

cd "$ROOT"
for app in "${APPS[@]}"; do
    echo "== building hall-$app"
    started=$(date +%s)
    "$PYTHON" -m PyInstaller --noconfirm "${clean[@]}" --log-level WARN \
        --distpath "$DIST" --workpath "$WORK" "build_scripts/$app.spec"
    echo "   built in $(($(date +%s) - started)) s"
done

# Run every bundle's self-test offscreen, with a scratch data folder so a build machine's own
# hall data is never touched.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failed=0
for app in "${APPS[@]}"; do
    name="hall-$app"
    echo "== $name --selftest"
    started=$(date +%s%N)
    if QT_QPA_PLATFORM=offscreen HALL_DATA_DIR="$scratch" "$DIST/$name/$name" --selftest; then
        status="ok"
    else
        status="FAILED"
        failed=1
    fi
    elapsed_ms=$((($(date +%s%N) - started) / 1000000))
    echo "   $name selftest $status, cold start to exit: ${elapsed_ms} ms"
done

echo "== bundle sizes"
for app in "${APPS[@]}"; do
    du -sh "$DIST/hall-$app"
done
exit "$failed"
