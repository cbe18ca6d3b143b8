"""The workspace as data: packages, versions, dependencies, install order.

Read from packages/*/pyproject.toml with tomllib; shared by tools/dev and ci/.
"""

import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ROOT / "packages"
_REQUIREMENT_NAME = re.compile(r"^[A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Package:
    name: str  # distribution name, also the folder name
    path: Path
    import_name: str
    deps: tuple[str, ...]  # workspace packages this one depends on at run time
    test_deps: tuple[str, ...]  # workspace packages its "test" extra adds
    extras: tuple[str, ...]

    @property
    def has_c_backend(self) -> bool:
        return (self.path / "src" / self.import_name / "_build.py").exists()

    @property
    def has_tests(self) -> bool:
        return any((self.path / "tests").glob("test_*.py"))

    @property
    def version(self) -> str:
        text = (self.path / "src" / self.import_name / "_version.py").read_text()
        return re.search(r'__version__ = "([^"]+)"', text).group(1)

    def source_digest(self) -> str:
        """Digest of what an editable install bakes in: metadata and C sources."""
        h = hashlib.sha256()
        src = self.path / "src" / self.import_name
        files = [self.path / "pyproject.toml", self.path / "hatch_build.py", src / "_build.py"]
        files += sorted((src / "_c").glob("*")) if (src / "_c").is_dir() else []
        for f in files:
            if f.is_file():
                h.update(f.name.encode() + b"\0" + f.read_bytes())
        return h.hexdigest()


def _requirement_name(requirement: str) -> str:
    return _REQUIREMENT_NAME.match(requirement.strip()).group(0).lower().replace("_", "-")


def packages() -> dict[str, Package]:
    """All workspace packages by name, in dependency order (dependencies first)."""
    found = {}
    for pyproject in sorted(PACKAGES.glob("*/pyproject.toml")):
        project = tomllib.loads(pyproject.read_text())["project"]
        found[project["name"]] = project
    names = set(found)
    result: dict[str, Package] = {}

    def visit(name: str, stack: tuple[str, ...] = ()) -> None:
        if name in result:
            return
        if name in stack:
            raise SystemExit(f"dependency cycle: {' -> '.join(stack + (name,))}")
        project = found[name]
        extras = project.get("optional-dependencies", {})
        deps = tuple(d for d in map(_requirement_name, project.get("dependencies", [])) if d in names)
        test_deps = tuple(d for d in map(_requirement_name, extras.get("test", [])) if d in names and d not in deps)
        for dep in deps + test_deps:
            visit(dep, stack + (name,))
        result[name] = Package(
            name=name,
            path=PACKAGES / name,
            import_name=name.replace("-", "_"),
            deps=deps,
            test_deps=test_deps,
            extras=tuple(extras),
        )

    for name in sorted(found):
        visit(name)
    return result


def with_dependents(names: set[str]) -> list[str]:
    """`names` plus every package that depends on one of them, in install order."""
    all_packages = packages()
    selected = set(names)
    changed = True
    while changed:
        changed = False
        for pkg in all_packages.values():
            if pkg.name not in selected and selected.intersection(pkg.deps + pkg.test_deps):
                selected.add(pkg.name)
                changed = True
    return [name for name in all_packages if name in selected]


def with_dependencies(name: str) -> list[str]:
    """`name` and what it and its tests need from the workspace, in install order."""
    all_packages = packages()
    needed = {name} | set(all_packages[name].test_deps)
    for pkg in reversed(list(all_packages.values())):
        if pkg.name in needed:
            needed.update(pkg.deps)
    return [n for n in all_packages if n in needed]


def main(argv: list[str]) -> None:
    """`names [--c-backend] [--with-tests]` or `deps NAME` (install order), one name a line."""
    if argv[:1] == ["deps"] and len(argv) == 2:
        print("\n".join(with_dependencies(argv[1])[:-1]))
    elif argv[:1] == ["names"]:
        for pkg in packages().values():
            if ("--c-backend" in argv and not pkg.has_c_backend) or ("--with-tests" in argv and not pkg.has_tests):
                continue
            print(pkg.name)
    else:
        raise SystemExit(f"usage: {Path(__file__).name} names [--c-backend] [--with-tests] | deps NAME")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
