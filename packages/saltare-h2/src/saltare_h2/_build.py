"""cffi build script for saltare_h2._native (run by hatch_build.py, never imported)."""

from pathlib import Path

from cffi import FFI

C_DIR = Path(__file__).resolve().parent / "_c"

CDEF = """
#define SALTARE_H2_ABI_VERSION ...
#define SALTARE_H2_HUFFMAN_INVALID ...
#define SALTARE_H2_HUFFMAN_NO_ROOM ...

typedef struct {
    uint32_t offset, length, stream_id;
    uint8_t type, flags;
    uint16_t reserved;
} saltare_h2_frame_t;

size_t saltare_h2_scan_frames(const uint8_t *, size_t, size_t, uint32_t,
                              saltare_h2_frame_t *, size_t, size_t *, int *);
int64_t saltare_h2_huffman_decode(const uint8_t *, size_t, uint8_t *, size_t);
"""

ffibuilder = FFI()
ffibuilder.cdef(CDEF)
ffibuilder.set_source(
    "saltare_h2._native",
    '#include "api.h"',
    # Absolute paths: cffi compiles with a temporary working directory.
    sources=[str(p) for p in sorted(C_DIR.glob("*.c"))],
    include_dirs=[str(C_DIR)],
    extra_compile_args=["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror"],
)
