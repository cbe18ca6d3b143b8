"""The error table and the C hand-over: one truth in C and in Python."""

from saltare_http1 import ErrorCode
from saltare_http1.errors import STATUS_AND_REASON


def test_every_code_has_an_answer():
    assert set(STATUS_AND_REASON) == set(ErrorCode)
    assert all(code.status in (400, 413, 414, 431, 501, 505) for code in ErrorCode)


def test_c_table_matches_python_table(c_native):
    native = c_native
    lib, ffi = native.lib, native.ffi
    for code in ErrorCode:
        assert lib.saltare_http1_error_status(code) == code.status, code
        assert ffi.string(lib.saltare_http1_error_reason(code)).decode() == code.reason, code
    assert lib.saltare_http1_error_status(0) == 0
    assert lib.saltare_http1_error_status(10_000) == 0
    assert lib.saltare_http1_error_reason(10_000) == ffi.NULL


def test_api_table_for_saltare_core(c_native):
    native = c_native
    address = native.c_api_address()
    assert address
    table = native.ffi.cast("uint32_t *", address)
    assert table[0] == native.abi_version == 1


def test_c_results_layout(c_native):
    """_cbackend reads these fields with one struct.unpack_from: the offsets must hold."""
    ffi = c_native.ffi
    offsets = [ffi.offsetof("saltare_http1_head_t", f) for f in ("head_len", "flags", "http_minor", "content_length")]
    assert offsets == [0, 40, 44, 56]
    assert ffi.offsetof("saltare_http1_py_parser_t", "packed_len") == 64
