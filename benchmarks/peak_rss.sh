#!/bin/bash
# Peak VmRSS minus idle of a single-worker server under FastAPI wrk -c50
# (anchors.py's workload 3, sampled every 10 ms), after a 1 s warm-up run.
# usage: benchmarks/peak_rss.sh /path/to/venv/bin/saltare
saltare=${1:-/tmp/venv-bench/bin/saltare}
cd /work/shared/bench || exit 1; port=$((20000 + RANDOM % 20000))
taskset -c 0 "$saltare" apps.fast:app --host 127.0.0.1 --port $port --timeout-keep-alive 120 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
curl -s -o /dev/null "http://127.0.0.1:$port/"; sleep 2
idle=$(awk '/VmRSS/{print $2}' /proc/$pid/status)
taskset -c 1 wrk -t1 -c50 -d1s "http://127.0.0.1:$port/" >/dev/null; sleep 2
taskset -c 1 wrk -t1 -c50 -d4s "http://127.0.0.1:$port/" >/dev/null & w=$!
peak=0
while kill -0 $w 2>/dev/null; do
  r=$(awk '/VmRSS/{print $2}' /proc/$pid/status); [ "$r" -gt "$peak" ] && peak=$r; sleep 0.01
done
echo "idle=${idle} KiB peak=${peak} KiB peak-idle=$((peak - idle)) KiB"
kill $pid; wait $pid 2>/dev/null
