"""The command line: --help, --version, the README flag table, the demo app."""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import saltare_http1

import saltare
from saltare.options import OPTIONS, readme_table, resolve

README = Path(__file__).parent.parent / "README.md"
WAIT = 10.0


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


def test_help_lists_every_flag_with_its_default():
    result = run_cli("--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for option in OPTIONS:
        assert option.flag in text
        assert option.env in text
        if not option.repeat:
            assert f"(default: {option.default})" in text, option.name


def test_readme_table_lists_every_flag_with_its_default():
    readme = README.read_text()
    assert readme_table() in readme, "README flag table is stale: paste saltare.options.readme_table()"
    for option in OPTIONS:
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{option.flag}`"))
        assert option.env in row
        if not option.repeat:
            assert f"`{option.default}`" in row


def test_run_rejects_unknown_options():
    try:
        resolve(prot=1)
    except TypeError as exc:
        assert "prot" in str(exc)
    else:
        raise AssertionError("an unknown keyword was accepted")


def test_run_checks_values_as_the_cli_does():
    for bad in ({"port": "abc"}, {"port": 70000}, {"lifespan": "maybe"}, {"workers": -1},
                {"header": "no colon"}, {"timeout_keep_alive": "soon"}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            resolve(**bad)
    with pytest.raises(ValueError, match="header"):
        resolve(header=b"x-a: 1")  # bytes would pass as their repr
    options = resolve(port="8001", header="x-a: 1", access_log="yes", timeout_keep_alive=2, fd=None)
    assert options["port"] == 8001 and options["header"] == ["x-a: 1"]
    assert options["access_log"] is True and options["timeout_keep_alive"] == 2.0 and options["fd"] is None
    assert resolve(app_dir=None, root_path=None, header=None) == resolve()  # None: as if not given


def test_a_bad_run_value_is_one_line_and_exit_2():
    script = "import saltare; saltare.run(lambda s, r, w: None, lifespan='maybe')"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALTARE_")}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=WAIT, env=env)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["saltare: error: lifespan: invalid choice 'maybe' (choose from auto, on, off)"]


def test_demo_app_is_served_without_an_app_argument(serve):
    served = serve()
    page = httpx.get(served.url + "/", timeout=WAIT)
    assert page.status_code == 200 and "saltare" in page.text and "saltare-core" in page.text
    echo = httpx.post(served.url + "/echo", content=b"hello\n" * 1000, timeout=WAIT)
    assert echo.content == b"hello\n" * 1000
    assert echo.headers["x-echo-method"] == "POST"


def test_startup_line_names_address_workers_pid_and_versions(serve, backend):
    served = serve()
    line = next(line for line in served.output().splitlines() if "serving on" in line)
    assert re.search(rf"serving on http://127\.0\.0\.1:{served.port} \(1 worker, pid {served.proc.pid}", line)
    assert f"saltare-http1 {saltare_http1.__version__}" in line
    pure = backend["SALTARE_PURE"] == "1"
    assert ("warning: pure-Python backend in use" in served.output()) == pure



def readme_block(language: str) -> str:
    return README.read_text().split(f"```{language}\n", 1)[1].split("```", 1)[0]


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serving(argv: list, port: int, **popen):
    """(process, its first answer to GET /); the process is killed if still running after."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
                            **popen)
    try:
        deadline = time.monotonic() + WAIT
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/", timeout=WAIT)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, f"{argv} did not serve"
                time.sleep(0.05)
        yield proc, response
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(WAIT)
        proc.stderr.close()


def test_readme_shell_commands_run_as_written(tmp_path, backend):
    """`saltare main:app --workers 4 --port 8080` and `python -m saltare main:app`,
    with main.py the README's Python example and a free port."""
    (tmp_path / "main.py").write_text(readme_block("python"))
    lines = readme_block("sh").splitlines()
    commands = [line.split("#")[0].split() for line in lines if "main:app" in line]
    assert [c[:2] for c in commands] == [["saltare", "main:app"], ["python", "-m"]]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALTARE_")}
    env.update(backend)
    for argv in commands:
        port = unused_port()
        argv = [str(port) if word == "8080" else word for word in argv]
        if "--port" not in argv:
            argv += ["--port", str(port)]
        program = str(Path(sys.executable).with_name("saltare")) if argv[0] == "saltare" else sys.executable
        with serving([program, *argv[1:]], port, cwd=tmp_path, env=env) as (proc, response):
            assert response.text == "ok"
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(WAIT) == 0
            workers = "4 workers" if "--workers" in argv else "1 worker"
            assert f"({workers}," in proc.stderr.read().decode()


def test_readme_run_example_runs_as_written(tmp_path, backend):
    script = tmp_path / "readme_app.py"
    script.write_text(readme_block("python"))
    port = unused_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALTARE_")}
    env.update(backend, SALTARE_PORT=str(port))
    with serving([sys.executable, str(script)], port, env=env) as (proc, response):
        assert response.text == "ok"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(WAIT) == 0
        assert b"[GET] [/] [200]" in proc.stderr.read()
