"""tools/dev release NAME: build and check one package's sdist and wheel.

Builds from a clean export of HEAD (git archive), never from the work tree,
so nothing uncommitted or ignored (an editable .so) can leak into an artifact.
"""

import os
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import _workspace

ROOT = _workspace.ROOT
DIST = ROOT / "dist"


def fail(message: str) -> None:
    sys.exit(f"release: {message}")


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def check_releasable(pkg: _workspace.Package, version: str, tag: str) -> None:
    if git("tag", "--list", tag).strip():
        fail(f"{tag} exists already: bump src/{pkg.import_name}/_version.py first")
    changelog = (pkg.path / "CHANGELOG.md").read_text()
    if not re.search(rf"^## {re.escape(version)}\b", changelog, re.MULTILINE):
        fail(f"{pkg.name}/CHANGELOG.md has no '## {version}' section: move '## Unreleased' under it")
    if git("status", "--porcelain", "--", str(pkg.path)).strip():
        fail(f"{pkg.name} has uncommitted changes: the release is built from HEAD")


def export_head(pkg: _workspace.Package, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "archive", "--format=tar", "HEAD", str(pkg.path.relative_to(ROOT))],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout  # fmt: skip
    tar_path = into / "head.tar"
    tar_path.write_bytes(archive)
    with tarfile.open(tar_path) as tar:
        tar.extractall(into / "src", filter="data")
    return into / "src" / pkg.path.relative_to(ROOT)


def check_artifacts(pkg: _workspace.Package, sdist: Path, wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as whl:
        names = whl.namelist()
    if pkg.has_c_backend:
        if not any(re.fullmatch(rf"{pkg.import_name}/_native\..*\.so", n) for n in names):
            fail(f"{wheel.name} has no compiled {pkg.import_name}._native")
        if any("/_c/" in n or n.endswith("/_build.py") for n in names):
            fail(f"{wheel.name} carries C sources or the build script (they belong to the sdist only)")
    with tarfile.open(sdist) as tar:
        members = tar.getnames()
    required = ["pyproject.toml", "README.md", "CHANGELOG.md"]
    if pkg.has_c_backend:
        required += ["hatch_build.py", f"src/{pkg.import_name}/_build.py", f"src/{pkg.import_name}/_c/"]
    for part in required:
        if not any(f"/{part}" in m + ("/" if part.endswith("/") else "") for m in members):
            fail(f"{sdist.name} lacks {part}")
    if any(m.endswith((".so", ".o")) for m in members):
        fail(f"{sdist.name} carries build products")


def release(pkg: _workspace.Package, python: Path, dry_run: bool = False) -> None:
    version = pkg.version
    tag = f"{pkg.name}-v{version}"
    if not dry_run:
        check_releasable(pkg, version, tag)
    with tempfile.TemporaryDirectory(prefix="saltare-release-") as tmp:
        tmp = Path(tmp)
        source = export_head(pkg, tmp)
        out = tmp / "dist" if dry_run else DIST
        # python -m build: the sdist first, then the wheel built from the sdist,
        # which proves the sdist holds everything the build needs.
        env = dict(os.environ, SALTARE_REQUIRE_C="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
        subprocess.run(
            [str(python), "-m", "build", "--outdir", str(out), str(source)],
            check=True, env=env, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        stem = f"{pkg.import_name}-{version}"
        sdist = out / f"{stem}.tar.gz"
        wheels = sorted(out.glob(f"{stem}-*.whl"))
        if not sdist.exists() or len(wheels) != 1:
            fail(f"expected {sdist.name} and one wheel in {out}")
        subprocess.run([str(python), "-m", "twine", "check", "--strict", str(sdist), str(wheels[0])], check=True)
        check_artifacts(pkg, sdist, wheels[0])
        print(f"release: {sdist.name} and {wheels[0].name} check out")
        if dry_run:
            print(f"release: dry run of {tag}: nothing written to dist/")
        else:
            print(f"release: in {DIST.relative_to(ROOT)}/; create the tag with:\n  git tag {tag} && git push origin {tag}")
