#!/usr/bin/env bash
# Start the app exactly as `make run` does (SQLite, in-memory layer, no keys), in a scratch copy
# so the checkout's database is untouched; fetch /healthz and /, open a websocket, stop it all.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${SMOKE_PORT:-8765}"
work="$(mktemp -d)"
log="$work/run.log"
# The scratch copy shares the installed venv; only the database file is new.
git ls-files -z | xargs -0 -I{} cp --parents {} "$work/"
ln -s "$PWD/.venv" "$work/.venv"
touch "$work/.venv/.installed"  # installed above: `make run` must not reinstall

cleanup() {
  if [ -n "${pid:-}" ]; then kill -- "-$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

(cd "$work" && exec setsid make run PORT="$PORT" >"$log" 2>&1) &
pid=$!
# A fresh SQLite database migrates first (dj-stripe's migrations rebuild tables): on a 2-core
# machine that has taken over 90 s, so allow up to 10 minutes and say so if it never comes up.
up=""
for _ in $(seq 1 600); do
  if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then up=1; break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$log"; echo "make run exited early"; exit 1; fi
  sleep 1
done
if [ -z "$up" ]; then cat "$log"; echo "make run did not answer /healthz within 10 minutes"; exit 1; fi
.venv/bin/python .ci/smoke.py "http://127.0.0.1:$PORT" || { cat "$log"; exit 1; }
grep -q "Demo login:" "$log" || { cat "$log"; echo "make run did not print the demo login"; exit 1; }

# Ctrl-C, as a terminal sends it (SIGINT to the process group): make and both children end, no crash.
group="$pid"
kill -INT -- "-$group"
status=0
wait "$pid" || status=$?
pid=""
if [ "$status" != 0 ] && [ "$status" != 130 ]; then cat "$log"; echo "make run ended with status $status"; exit 1; fi
if grep -q "Segmentation fault" "$log"; then cat "$log"; echo "make run crashed on Ctrl-C"; exit 1; fi
for _ in $(seq 1 10); do pgrep -g "$group" >/dev/null || break; sleep 0.5; done
if pgrep -g "$group" >/dev/null; then ps -o pid,args -g "$group"; echo "make run left processes running"; exit 1; fi
echo "smoke: ok"
