"""Run the Autobahn|Testsuite fuzzing client against an echo server built on
saltare_ws, and print a summary of its report. Needs `wstest` (Python 2.7):
see README.md in this folder.

    python tests/autobahn/run.py --wstest "python2.7 /path/to/wstest" [--backend c|python] [--cases '1.*,2.*']
"""

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ws_server import EchoServer  # noqa: E402 (the path above makes it importable)

from saltare_ws import Config, DeflateConfig, _pybackend  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--wstest", required=True, help="command that runs wstest")
    parser.add_argument("--backend", choices=["c", "python"], default="c")
    parser.add_argument("--cases", default="*", help="comma-separated case patterns")
    parser.add_argument("--exclude", default="", help="comma-separated case patterns to skip")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()
    if args.backend == "c":
        from saltare_ws import _cbackend as backend
    else:
        backend = _pybackend
    config = Config(deflate=DeflateConfig())
    server = EchoServer(backend, config, echo_limit=1 << 30)
    try:
        with tempfile.TemporaryDirectory() as work:
            spec = {
                "outdir": f"{work}/reports",
                "servers": [{"agent": "saltare-ws", "url": server.url}],
                "cases": args.cases.split(","),
                "exclude-cases": [c for c in args.exclude.split(",") if c],
                "exclude-agent-cases": {},
            }
            Path(work, "spec.json").write_text(json.dumps(spec))
            subprocess.run([*shlex.split(args.wstest), "-m", "fuzzingclient", "-s", f"{work}/spec.json"],
                           cwd=work, check=True, timeout=args.timeout, stdout=subprocess.DEVNULL)
            results = json.loads(Path(work, "reports/index.json").read_text())["saltare-ws"]
    finally:
        server.close()
    counts = Counter()
    for case, result in sorted(results.items(), key=lambda kv: [int(x) for x in kv[0].split(".")]):
        behavior, close = result["behavior"], result["behaviorClose"]
        counts[behavior] += 1
        if behavior not in ("OK", "INFORMATIONAL", "NON-STRICT") or close not in ("OK", "INFORMATIONAL"):
            print(f"{case}: {behavior} / close {close}")
    print(", ".join(f"{n} {behavior}" for behavior, n in sorted(counts.items())))
    failed = sum(n for behavior, n in counts.items() if behavior not in ("OK", "INFORMATIONAL", "NON-STRICT"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
