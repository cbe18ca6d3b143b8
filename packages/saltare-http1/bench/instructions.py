"""Instructions per parse under callgrind: a load-independent companion to the
pytest-benchmark timings (this machine is shared; instruction counts repeat).

    python packages/saltare-http1/bench/instructions.py      # needs valgrind

Each parser from test_bench_parse.PARSERS runs N and 0 times in a fresh
interpreter under `valgrind --tool=callgrind`; the difference / N is the cost
of one parse, start-up excluded.
"""

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RUNS = {"h11": 300}  # h11 is slow under valgrind; the others use DEFAULT_RUNS
DEFAULT_RUNS = 2000
LOOP = """
import sys
sys.path.insert(0, {bench!r})
from test_bench_parse import HEADS, PARSERS
parse = PARSERS[{parser!r}]()
data = HEADS[{head!r}]
for _ in range({n}):
    parse(data)
"""


def instructions(parser: str, head: str, n: int) -> int:
    code = LOOP.format(bench=str(BENCH), parser=parser, head=head, n=n)
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", code],
        capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    return int(re.search(r"Collected : (\d+)", result.stderr).group(1))


def main() -> None:
    sys.path.insert(0, str(BENCH))
    from test_bench_parse import HEADS, PARSERS

    print("| head | " + " | ".join(PARSERS) + " |")
    print("|---" * (len(PARSERS) + 1) + "|")
    for head in HEADS:
        cells = []
        for parser in PARSERS:
            n = RUNS.get(parser, DEFAULT_RUNS)
            cells.append((instructions(parser, head, n) - instructions(parser, head, 0)) // n)
        anchor = cells[list(PARSERS).index("httptools_uvicorn_callbacks")]
        print(f"| {head} | " + " | ".join(f"{c:,} ({c / anchor:.2f}x)" for c in cells) + " |")


if __name__ == "__main__":
    main()
