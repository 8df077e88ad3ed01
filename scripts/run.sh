#!/usr/bin/env bash
# One entry point for people and CI:
#   bash scripts/run.sh app    set up (first time) and start the page on the bundled corpus
#   bash scripts/run.sh test   set up (first time) and run the whole test suite
# Everything is installed into .venv beside this repo; nothing is downloaded at run time.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
PY=${PYTHON:-python3}

# setup EXTRAS: the app needs ".[test]"'s page tools only; the tests also run the Milvus backend
# against Milvus Lite (".[test,milvus]"), which the default install and the app never need.
setup() {
  local extras="${1:-test}"
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
  fi
  local stamp="$VENV/.jixiao-installed"
  local want
  want=$( (cat pyproject.toml scripts/run.sh; echo "$extras") | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    # Pinned first: an unpinned torch would pull a multi-GB CUDA build.
    "$VENV/bin/python" -m pip install --quiet "torch==2.13.0"
    "$VENV/bin/python" -m pip install --quiet -e ".[$extras]"
    echo "$want" > "$stamp"
  fi
}

# The browser test drives Debian's chromium (Playwright cannot download browsers here) and
# needs a CJK font to render the page; install both when we can (root, apt).
browser_deps() {
  if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "wqy\|noto.*cjk"; then
    return
  fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
  else
    echo "提示：未安装 chromium 或中文字体，浏览器测试将跳过（apt-get install chromium fonts-wqy-microhei）。" >&2
  fi
}

case "${1:-}" in
  app)
    setup
    shift
    exec "$VENV/bin/jixiao" serve "$@"
    ;;
  test)
    setup "test,milvus"
    browser_deps
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
