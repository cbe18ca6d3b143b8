import subprocess
import sys

import saltare_http1

import saltare


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "saltare", *args], capture_output=True, text=True, timeout=60)


def test_version_lists_every_component_and_its_backend():
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith(f"saltare {saltare.__version__}\n")
    http1_line = next(line for line in result.stdout.splitlines() if "saltare-http1" in line)
    assert saltare_http1.__version__ in http1_line
    assert saltare_http1.backend in http1_line
    for name in ("saltare-h2", "saltare-ws", "saltare-tls", "saltare-core"):
        assert name in result.stdout


def test_without_a_server_the_command_says_so():
    result = run_cli()
    assert result.returncode == 0
    assert "not built yet" in result.stderr


def test_bad_flag_is_a_usage_error():
    result = run_cli("--no-such-flag")
    assert result.returncode == 2
    assert "unrecognized arguments" in result.stderr
