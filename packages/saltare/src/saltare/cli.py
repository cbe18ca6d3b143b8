"""The `saltare` command (and `python -m saltare`): flags from the option table.

Precedence: a flag on the command line, then SALTARE_<NAME> in the
environment (after --env-file is read), then the table's default.
"""

import argparse
import os
import sys

from .options import DEFAULTS, OPTIONS, count, from_env, port, positive_float

DEMO_APP = "saltare.demo:app"
METAVARS = {positive_float: "SECONDS", count: "N", port: "PORT"}


class Parser(argparse.ArgumentParser):
    def error(self, message: str):
        """One line and exit code 2 (argparse would print the usage first)."""
        self.exit(2, f"saltare: error: {message}\n")


def parser() -> Parser:
    parse = Parser(
        prog="saltare",
        description="A low-RAM ASGI server. Every flag can also be set as SALTARE_<FLAG> (e.g. SALTARE_PORT=9000).",
        allow_abbrev=False,
    )
    parse.add_argument("app", nargs="?", default=None, metavar="APP",
                       help="the ASGI app as module:attribute (default: the built-in demo app)")
    # Not argparse's "version" action: it re-wraps the lines.
    parse.add_argument("--version", action="store_true", help="list the components and their backends, then exit")
    for option in OPTIONS:
        if option.repeat:
            parse.add_argument(option.flag, action="append", type=option.kind, metavar="NAME:VALUE",
                               help=f"{option.help} [env {option.env}]")
            continue
        text = f"{option.help} (default: {option.default}) [env {option.env}]"
        if option.switch:
            parse.add_argument(option.flag, action=argparse.BooleanOptionalAction, help=text)
        else:
            parse.add_argument(option.flag, type=option.kind, choices=option.choices or None,
                               metavar=None if option.choices else METAVARS.get(option.kind, option.name.split("_")[-1].upper()),
                               help=text)
    parse.set_defaults(**{option.name: None for option in OPTIONS})
    return parse


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parse = parser()
    args = parse.parse_args(argv)
    if args.version:
        from .main import describe

        print(describe())
        return
    given = {option.name: getattr(args, option.name) for option in OPTIONS}
    env_file = given["env_file"] or os.environ.get("SALTARE_ENV_FILE")
    if env_file:
        from .loader import load_env_file

        load_env_file(env_file)
    try:
        options = dict(DEFAULTS, **from_env(os.environ))
    except ValueError as exc:
        parse.error(str(exc))
    options.update((name, value) for name, value in given.items() if value is not None)
    from .reexec import exec_server

    exec_server(args.app or os.environ.get("SALTARE_APP") or DEMO_APP, options)
