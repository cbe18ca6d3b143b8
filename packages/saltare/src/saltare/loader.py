"""Finding the app: `module:attribute` import, `--factory`, `--app-dir`, `--env-file`."""

import importlib
import os
import sys

from . import logs

EXIT_IMPORT_FAILED = 1


def load_env_file(path: str) -> None:
    """KEY=VALUE lines ('export ' prefix, '#' comments and matching quotes
    allowed) into os.environ; variables already set win, as with dotenv."""
    try:
        with open(path, encoding="utf-8") as file:
            lines = file.read().splitlines()
    except OSError as exc:
        raise logs.startup_error(f"cannot read --env-file {path!r}: {exc.strerror}", 2) from None
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[7:].lstrip()
        key, sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            continue
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        os.environ.setdefault(key, value)


def import_app(target: str, *, factory: bool = False, app_dir: str = "."):
    """The ASGI app named by `module:attribute` (`module:factory()` implies
    factory=True); exits 1 with one line on failure."""
    module_name, sep, attribute = target.partition(":")
    if attribute.endswith("()"):
        attribute, factory = attribute[:-2], True
    if not sep or not module_name or not attribute:
        raise logs.startup_error(f"APP must look like 'module:attribute', not {target!r}", 2)
    if app_dir is not None:
        sys.path.insert(0, os.path.abspath(app_dir))
    try:
        module = importlib.import_module(module_name)
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise logs.startup_error(
            f"cannot import module {module_name!r}: {type(exc).__name__}: {exc}", EXIT_IMPORT_FAILED
        ) from None
    app = module
    try:
        for part in attribute.split("."):
            app = getattr(app, part)
    except AttributeError:
        raise logs.startup_error(f"module {module_name!r} has no attribute {attribute!r}", EXIT_IMPORT_FAILED) from None
    if factory:
        try:
            app = app()
        except Exception as exc:
            raise logs.startup_error(
                f"factory {target!r} of module {module_name!r} failed: {type(exc).__name__}: {exc}",
                EXIT_IMPORT_FAILED,
            ) from None
    if not callable(app):
        raise logs.startup_error(f"{target!r} in module {module_name!r} is not callable", EXIT_IMPORT_FAILED)
    return app
