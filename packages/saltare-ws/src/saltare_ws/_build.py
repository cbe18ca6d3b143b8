"""cffi build script for saltare_ws._native (run by hatch_build.py, never imported)."""

from pathlib import Path

from cffi import FFI

C_DIR = Path(__file__).resolve().parent / "_c"

CDEF = """
#define SALTARE_WS_O_REQUIRE_MASK ...
#define SALTARE_WS_O_ALLOW_RSV1 ...
#define SALTARE_WS_F_FIN ...
#define SALTARE_WS_F_COMPRESSED ...

typedef struct {
    uint64_t max_message_size, message_len, frame_size;
    uint32_t options, message_opcode, message_compressed, utf8_state, error, reserved;
} saltare_ws_parser_t;
typedef struct { uint64_t offset, length, info; } saltare_ws_frame_t;

size_t saltare_ws_parse(saltare_ws_parser_t *, uint8_t *, size_t, saltare_ws_frame_t *, size_t, size_t *);
size_t saltare_ws_feed(saltare_ws_parser_t *, uint8_t *, size_t, size_t, const uint8_t *, size_t,
                       saltare_ws_frame_t *, size_t, size_t *);
void saltare_ws_mask(uint8_t *, const uint8_t *, size_t, const uint8_t *, size_t);
int saltare_ws_utf8_validate(uint32_t *, const uint8_t *, size_t);
int saltare_ws_close_code_valid(uint32_t);
"""

ffibuilder = FFI()
ffibuilder.cdef(CDEF)
ffibuilder.set_source(
    "saltare_ws._native",
    '#include "ws.h"',
    # Absolute paths: cffi compiles with a temporary working directory.
    sources=[str(p) for p in sorted(C_DIR.glob("*.c"))],
    include_dirs=[str(C_DIR)],
    extra_compile_args=["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror"],
)
