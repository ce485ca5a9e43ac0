#!/usr/bin/env bash
# `make run`'s three processes: the task worker, the periodic-task scheduler and the development
# server (Channels' runserver). Ctrl-C or SIGTERM stops all three and exits 0; the server ending
# stops the other two.
# (The recipe this replaces, `trap 'kill 0' EXIT INT TERM`, signalled its own shell from inside
# the trap, re-entering it until bash overflowed its stack: "make: *** [run] Segmentation fault".)
set -u
python="$1"
port="$2"

"$python" manage.py db_worker &
worker=$!
"$python" manage.py run_scheduler &
scheduler=$!
"$python" manage.py runserver "127.0.0.1:$port" &
server=$!

stop() {
  trap '' INT TERM  # a second Ctrl-C must not cut the wait short and orphan a child
  kill -TERM "$worker" "$scheduler" "$server" 2>/dev/null
  wait "$worker" "$scheduler" "$server"
  exit "${1:-0}"
}
trap stop INT TERM
wait "$server"
stop "$?"
