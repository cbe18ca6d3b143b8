"""Zero cost when off: importing saltare_core.encoding, or enabling gzip only,
imports neither brotli nor zstandard; a missing codec package names its extra.
Each check runs in a fresh interpreter, since this one has imported them."""

import subprocess
import sys


def run(code):
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_importing_the_module_loads_no_optional_codec():
    out = run(
        "import sys\n"
        "import saltare_core.encoding as encoding\n"
        "before = {'brotli', 'zstandard'} & set(sys.modules)\n"
        "encoding.Compression(('gzip',)); encoding.Decompression(('gzip',))\n"
        "after = {'brotli', 'zstandard'} & set(sys.modules)\n"
        "print(sorted(before), sorted(after))\n"
    )
    assert out.split() == ["[]", "[]"]


def test_enabling_a_codec_loads_it():
    out = run(
        "import sys\n"
        "from saltare_core.encoding import Compression\n"
        "Compression(('br',))\n"
        "print('brotli' in sys.modules, 'zstandard' in sys.modules)\n"
    )
    assert out.split() == ["True", "False"]


def test_a_missing_codec_package_names_the_extra():
    out = run(
        "import sys\n"
        "sys.modules['zstandard'] = None  # as if not installed\n"
        "from saltare_core.encoding import Compression, Decompression\n"
        "for build in (Compression, Decompression):\n"
        "    try:\n"
        "        build(('zstd',))\n"
        "    except ImportError as exc:\n"
        "        print(exc)\n"
    )
    lines = out.splitlines()
    assert len(lines) == 2
    assert all("saltare-core[zstd]" in line for line in lines)
