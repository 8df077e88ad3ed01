#!/usr/bin/env bash
# One entry point for people and CI:
#   bash scripts/run.sh app    set up (first time) and start the page on the bundled corpus
#   bash scripts/run.sh test   set up (first time) and run the whole test suite
# Everything is installed into .venv beside this repo; nothing is downloaded at run time.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
PY=${PYTHON:-python3}

setup() {
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
  fi
  local stamp="$VENV/.jixiao-installed"
  local want
  want=$(cat pyproject.toml scripts/run.sh | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    # Pinned first: an unpinned torch would pull a multi-GB CUDA build.
    "$VENV/bin/python" -m pip install --quiet "torch==2.13.0"
    "$VENV/bin/python" -m pip install --quiet -e ".[test]"
    echo "$want" > "$stamp"
  fi
}

case "${1:-}" in
  app)
    setup
    shift
    exec "$VENV/bin/jixiao" serve "$@"
    ;;
  test)
    setup
    shift
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  setup)
    setup
    ;;
  *)
    echo "用法：bash scripts/run.sh app|test|setup" >&2
    exit 2
    ;;
esac
