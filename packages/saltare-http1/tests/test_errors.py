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
        if code == ErrorCode.INCOMPLETE_MESSAGE:
            continue  # detected by the caller at EOF, never by a C parse call
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
