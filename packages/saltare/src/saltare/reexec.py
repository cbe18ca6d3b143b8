"""Serving from a fresh interpreter: the CLI re-executes itself once its flags are parsed.

The process that parsed the command line keeps argparse, gettext and the
parser it built for good (about 0.5 MiB resident that a server would carry
for its whole life). exec() keeps the pid, the open descriptors and the
environment, so nothing outside notices; the parsed options travel in one
environment variable (marshal: no import needed to read it back), removed
before the app is imported.

The fresh interpreter is also where the memory posture starts: glibc reads
MALLOC_ARENA_MAX only when it initialises, and -OO (`--optimize`) is an
interpreter flag.
"""

import marshal
import os
import sys

OPTIONS_VARIABLE = "SALTARE_SERVE_OPTIONS"
ARENA_VARIABLE = "MALLOC_ARENA_MAX"
ARENAS = 2
"""Threads of the app's libraries would each get a 64 MiB arena otherwise."""


def interpreter_flags(optimize: bool) -> list[str]:
    """The running interpreter's own flags, so the new one behaves the same."""
    flags = sys.flags
    args = [f"-{'O' * max(flags.optimize, 2 if optimize else 0)}"] if flags.optimize or optimize else []
    for letter, on in (("B", flags.dont_write_bytecode), ("E", flags.ignore_environment),
                       ("s", flags.no_user_site), ("I", flags.isolated), ("P", flags.safe_path)):
        if on:
            args.append("-" + letter)
    args += [f"-W{option}" for option in sys.warnoptions]
    args += [f"-X{name}" if value is True else f"-X{name}={value}" for name, value in sys._xoptions.items()]
    return args


def exec_server(app: str, options: dict):
    """Replace this process with `python -m saltare.reexec` serving `app`."""
    arenas_ours = ARENA_VARIABLE not in os.environ
    if arenas_ours:
        os.environ[ARENA_VARIABLE] = str(ARENAS)
    os.environ[OPTIONS_VARIABLE] = marshal.dumps((app, options, arenas_ours)).hex()
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, *interpreter_flags(options["optimize"]), "-m", __name__])


def main() -> None:
    app, options, arenas_ours = marshal.loads(bytes.fromhex(os.environ.pop(OPTIONS_VARIABLE)))
    if arenas_ours:
        # Already read by glibc; the app's own child processes get the default.
        del os.environ[ARENA_VARIABLE]
    from .main import run

    try:
        code = run(app, **options)
    except KeyboardInterrupt:
        code = 1
    sys.exit(code)


if __name__ == "__main__":
    main()
