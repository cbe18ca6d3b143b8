"""The one option table: every server option is declared here once.

The argparse parser, the SALTARE_<NAME> environment variables, the keyword
arguments of `saltare.run()` and the README flag table all derive from
OPTIONS (tests check the README against it).
"""

import re
from typing import Any, Callable, NamedTuple

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_VALUE = re.compile(r"[\t\x20-\x7e]*")


class Option(NamedTuple):
    name: str
    """Keyword name (`limit_concurrency`); the flag is `--limit-concurrency`."""
    kind: Callable[[str], Any]
    """Converts a flag or env value; raises ValueError on a bad one."""
    default: Any
    help: str
    choices: tuple = ()
    switch: bool = False
    """A boolean with --name / --no-name."""
    repeat: bool = False
    """May be given several times; collects a list."""

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def env(self) -> str:
        return "SALTARE_" + self.name.upper()


def positive_float(text: str) -> float:
    value = float(text)
    if value < 0:
        raise ValueError("must be >= 0")
    return value


def count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError("must be >= 0")
    return value


def port(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise ValueError("must be 0..65535")
    return value


def header(text: str) -> str:
    name, sep, value = text.partition(":")
    if not sep or not _TOKEN.fullmatch(name.strip()) or not _VALUE.fullmatch(value.strip()):
        raise ValueError("expected NAME:VALUE with a token NAME and a printable VALUE")
    return text


def cert_reqs(text: str) -> str:
    """none / optional / required, or uvicorn's 0 / 1 / 2 (ssl.CERT_*)."""
    return {"0": "none", "1": "optional", "2": "required"}.get(text.strip(), text.strip().lower())


def boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("expected true or false")


OPTIONS = (
    Option("host", str, "127.0.0.1", "address to bind (IPv6 when it contains ':')"),
    Option("port", port, 8000, "TCP port to bind (0: any free port)"),
    Option("uds", str, None, "bind a Unix domain socket at this path instead of host:port"),
    Option("fd", count, None, "serve on an inherited listening socket with this file descriptor"),
    Option("workers", count, 1, "worker processes (0: one per CPU); 1 serves in the main process"),
    Option("loop", str, "auto", "event loop implementation", ("auto", "asyncio", "uvloop")),
    Option("lifespan", str, "auto", "ASGI lifespan protocol (auto: tolerate apps without it)", ("auto", "on", "off")),
    Option("factory", bool, False, "APP names a callable returning the ASGI app (also: module:factory())",
           switch=True),
    Option("app_dir", str, ".", "directory put first on sys.path before importing APP"),
    Option("env_file", str, None, "read KEY=VALUE lines from this file into the environment"),
    Option("root_path", str, "", "ASGI root_path (the app is mounted below this path)"),
    Option("proxy_headers", bool, False, "trust X-Forwarded-For/-Proto from --forwarded-allow-ips", switch=True),
    Option("forwarded_allow_ips", str, "127.0.0.1", "comma-separated peer addresses trusted for proxy headers ('*': all)"),
    Option("timeout_keep_alive", positive_float, 5.0, "seconds an idle keep-alive connection is kept"),
    Option("timeout_graceful_shutdown", positive_float, 30.0, "seconds in-flight requests get after SIGTERM"),
    Option("limit_concurrency", count, 0, "requests in flight per worker before answering 503 (0: no limit)"),
    Option("limit_max_requests", count, 0, "requests after which a worker drains and is replaced (0: never)"),
    Option("log_level", str, "info", "server log level", ("critical", "error", "warning", "info", "debug")),
    Option("access_log", bool, False, "one line per response on stderr", switch=True),
    Option("server_header", bool, True, "send 'Server: saltare'", switch=True),
    Option("date_header", bool, True, "send a Date header", switch=True),
    Option("header", header, None, "extra response header NAME:VALUE (repeatable)", repeat=True),
    Option("header_timeout", positive_float, 10.0, "seconds to receive a complete request head"),
    Option("body_timeout", positive_float, 30.0, "longest wait for request-body bytes"),
    Option("write_timeout", positive_float, 30.0, "longest time response bytes may make no progress"),
    Option("max_request_body", count, 0, "request-body bytes before 413 (0: no limit)"),
    Option("max_request_uri", count, 8192, "request-target bytes before 414"),
    Option("max_request_head_bytes", count, 16384, "request line + header bytes before 431 (at most 16384)"),
    Option("max_connections_per_ip", count, 0, "open connections per client address (0: no limit)"),
    Option("ssl_certfile", str, None, "serve HTTPS with this PEM certificate (chain)"),
    Option("ssl_keyfile", str, None, "PEM private key (default: the one in --ssl-certfile)"),
    Option("ssl_keyfile_password", str, None, "password of an encrypted --ssl-keyfile"),
    Option("ssl_ca_certs", str, None, "PEM CA certificates that client certificates are verified against"),
    Option("ssl_cert_reqs", cert_reqs, "none", "client certificates: none, optional (verified when sent), "
           "required (mTLS); uvicorn's 0/1/2 work too", ("none", "optional", "required")),
    Option("ssl_ciphers", str, None, "TLS 1.2 cipher list in OpenSSL syntax (default: OpenSSL's)"),
    Option("ssl_min_version", str, "TLSv1.2", "oldest TLS version accepted", ("TLSv1.2", "TLSv1.3")),
    Option("ssl_handshake_timeout", positive_float, 10.0, "seconds a client has to complete the TLS handshake (0: --header-timeout)"),
    Option("ssl_max_handshakes", count, 1024, "TLS handshakes in progress per worker before new connections "
           "are closed at once (0: no limit)"),
    Option("optimize", bool, False, "re-exec under python -OO (strips docstrings)", switch=True),
)

BY_NAME = {option.name: option for option in OPTIONS}
DEFAULTS = {option.name: ([] if option.repeat else option.default) for option in OPTIONS}


def from_env(environ) -> dict:
    """Options set through SALTARE_<NAME>; raises ValueError naming the variable."""
    found = {}
    for option in OPTIONS:
        text = environ.get(option.env)
        if text is None:
            continue
        found[option.name] = check(option, text, option.env)
    return found


def check(option: Option, text: str, where: str):
    kind = boolean if option.switch else option.kind
    try:
        value = kind(text)
    except ValueError as exc:
        raise ValueError(f"{where}: invalid value {text!r} ({exc})") from None
    if option.choices and value not in option.choices:
        raise ValueError(f"{where}: invalid choice {text!r} (choose from {', '.join(option.choices)})")
    return [value] if option.repeat else value


def resolve(**kwargs) -> dict:
    """Defaults overlaid with the given keyword options, each value checked
    as its flag is (unknown names: TypeError; bad values: ValueError)."""
    unknown = set(kwargs) - set(BY_NAME)
    if unknown:
        raise TypeError(f"unknown option(s): {', '.join(sorted(unknown))}")
    options = dict(DEFAULTS)
    for name, value in kwargs.items():
        options[name] = checked(BY_NAME[name], value)
    return options


def checked(option: Option, value):
    """A keyword value through the flag's own check (by its text: `port=8000`
    and `port="8000"` are the same); a repeatable option takes one value or
    a list of them."""
    if value is None:  # as if not given
        return [] if option.repeat else option.default
    if isinstance(value, (bytes, bytearray)):
        raise ValueError(f"{option.name}: give text, not bytes ({value!r})")
    if option.repeat:
        values = [value] if isinstance(value, str) else list(value)
        return [check(option, str(item), option.name)[0] for item in values]
    return check(option, str(value), option.name)


def readme_table() -> str:
    """The flag table of the README, one row per option."""
    rows = ["| flag | default | env | meaning |", "|---|---|---|---|"]
    for option in OPTIONS:
        flag = f"`{option.flag}` / `--no-{option.flag[2:]}`" if option.switch else f"`{option.flag}`"
        default = "(repeatable)" if option.repeat else f"`{option.default}`"
        rows.append(f"| {flag} | {default} | `{option.env}` | {option.help} |")
    return "\n".join(rows)
