"""Build the package's cffi extension into its wheel (identical in every C-backed package).

The extension is `<import_name>._native`, described by `src/<import_name>/_build.py`.
If it cannot be built the wheel stays pure Python and the Python backend serves,
unless SALTARE_REQUIRE_C=1 makes that an error. `ci/check-hooks` keeps the copies equal.
"""

import importlib.util
import os
import shutil
import sysconfig
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CffiBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version, build_data):
        if self.target_name != "wheel":
            return
        import_name = self.metadata.name.replace("-", "_")
        package_dir = Path(self.root) / "src" / import_name
        if not (package_dir / "_build.py").exists():
            return  # no C backend (yet): a pure-Python wheel
        self._tmpdir = tempfile.mkdtemp(prefix=f"{import_name}-cffi-")
        try:
            # Loaded from its file, never imported: the package's __init__ would
            # import the _native module that is not built yet.
            spec = importlib.util.spec_from_file_location("_saltare_cffi_build", package_dir / "_build.py")
            build_script = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(build_script)
            # A temp dir as cffi's working dir: an in-tree compile leaves objects in the sdist.
            built = build_script.ffibuilder.compile(tmpdir=self._tmpdir)
        except Exception as exc:
            self.finalize(version, build_data, None)
            if os.environ.get("SALTARE_REQUIRE_C") == "1":
                raise
            self.app.display_warning(f"{self.metadata.name}: C backend not built ({exc}); the Python backend will serve")
            return
        dest = f"{import_name}/_native{sysconfig.get_config_var('EXT_SUFFIX')}"
        if version == "editable":
            # The editable .pth points at src/, so the module must live there.
            # Copy then rename: a new inode, so processes that have the old
            # module mapped keep running instead of crashing.
            target = Path(self.root) / "src" / dest
            staged = target.with_name(f".{target.name}.tmp")
            shutil.copy2(built, staged)
            os.replace(staged, target)
        else:
            build_data["force_include"][built] = dest
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version, build_data, artifact_path):
        tmpdir = getattr(self, "_tmpdir", None)
        if tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)
            self._tmpdir = None
