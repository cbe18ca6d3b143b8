"""Server log lines and the access log: one os.write per line to stderr.

No `logging` module: it costs imports at start-up and a call chain per
line; the server's lines are few and the access log is a formatted string.
"""

import os
import sys
import time

LEVELS = {"critical": 50, "error": 40, "warning": 30, "info": 20, "debug": 10}
_level = LEVELS["info"]
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_date_second = -1
_date_value = b""
_access_second = -1
_access_stamp = ""


def set_level(name: str) -> None:
    global _level
    _level = LEVELS[name]


def write(line: str) -> None:
    try:
        os.write(2, line.encode("utf-8", "replace") + b"\n")
    except OSError:
        pass


def _log(level: int, tag: str, message: str) -> None:
    if level >= _level:
        write(f"saltare[{os.getpid()}] {tag}: {message}")


def info(message: str) -> None:
    _log(20, "info", message)


def warning(message: str) -> None:
    _log(30, "warning", message)


def error(message: str) -> None:
    _log(40, "error", message)


def exception(message: str, exc: BaseException) -> None:
    """An error with its traceback (traceback is imported only when one happens)."""
    import traceback

    if 40 >= _level:
        text = "".join(traceback.format_exception(exc))
        write(f"saltare[{os.getpid()}] error: {message}\n{text.rstrip()}")


def date_field() -> bytes:
    """The `date` header line (RFC 9110 IMF-fixdate), formatted once per second."""
    global _date_second, _date_value
    now = int(time.time())
    if now != _date_second:
        t = time.gmtime(now)
        _date_value = (
            f"date: {_DAYS[t.tm_wday]}, {t.tm_mday:02d} {_MONTHS[t.tm_mon - 1]} {t.tm_year} "
            f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} GMT\r\n"
        ).encode()
        _date_second = now
    return _date_value


def access(method: str, path: str, status: int, size: int) -> None:
    """`DD/MM/YYYY:HH:MM:SS [METHOD] [PATH] [STATUS] [BYTES]` (local time)."""
    global _access_second, _access_stamp
    now = int(time.time())
    if now != _access_second:
        _access_stamp = time.strftime("%d/%m/%Y:%H:%M:%S", time.localtime(now))
        _access_second = now
    try:
        os.write(2, f"{_access_stamp} [{method}] [{path}] [{status}] [{size}]\n".encode("utf-8", "replace"))
    except OSError:
        pass


def startup_error(message: str, code: int) -> "SystemExit":
    """A one-line error for the user, and the exit code to leave with."""
    sys.stderr.write(f"saltare: error: {message}\n")
    sys.stderr.flush()
    return SystemExit(code)
