#!/bin/bash
# One wrk measurement of one server, pinned as anchors.py pins it (server on
# CPU 0, wrk on CPU 1), for quick before/after comparisons in one session.
# usage: benchmarks/wrk_pair.sh NAME "COMMAND with PORT and APP" [APP] [CONNS] [SECONDS]
# e.g.:  benchmarks/wrk_pair.sh ours "/tmp/venv-bench/bin/saltare APP --port PORT" apps.raw:app 50 5
#        URLPATH=/large benchmarks/wrk_pair.sh ours "..." apps.fast:app
name=$1; cmd=$2; app=${3:-apps.raw:app}; conns=${4:-50}; secs=${5:-5}
port=$((20000 + RANDOM % 20000)); logs=${TMPDIR:-/tmp}
cd /work/shared/bench || exit 1
cmd=${cmd//PORT/$port}; cmd=${cmd//APP/$app}
taskset -c 0 $cmd >"$logs/wrk_pair-$name.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
url="http://127.0.0.1:$port${URLPATH:-/}"
taskset -c 1 wrk -t1 -c"$conns" -d1s "$url" >/dev/null
out=$(taskset -c 1 wrk -t1 -c"$conns" -d"${secs}s" --latency "$url")
echo "$name $app c$conns rps=$(echo "$out" | awk '/Requests\/sec/{print $2}') p50=$(echo "$out" | awk '/ 50%/{print $2}')"
pkill -TERM -P $pid 2>/dev/null; kill -TERM $pid; wait $pid 2>/dev/null
