"""core's copy of the saltare-http1 C contract (_c/http1_abi.h) against http1's api.h."""

import pytest

STRUCTS = ["saltare_http1_limits_t", "saltare_http1_header_t", "saltare_http1_head_t", "saltare_http1_chunked_t"]


def layout(ffi, name: str) -> list[tuple[int, int]]:
    """(offset, size) of every field in order: private fields may be renamed, never moved."""
    return [(field.offset, ffi.sizeof(field.type)) for _, field in ffi.typeof(name).fields]


@pytest.fixture(scope="module")
def ffis(c_native):
    http1 = pytest.importorskip("saltare_http1._cbackend")
    from saltare_core import _native

    return _native, http1


def test_abi_version_matches(ffis):
    core, http1 = ffis
    assert core.lib.SALTARE_HTTP1_ABI_VERSION == http1.abi_version == 1


@pytest.mark.parametrize("name", STRUCTS)
def test_struct_layouts_match(ffis, name):
    core, http1 = ffis
    assert core.ffi.sizeof(name) == http1.ffi.sizeof(name)
    assert layout(core.ffi, name) == layout(http1.ffi, name)


def test_the_handed_over_table_is_accepted_and_a_bad_version_refused(ffis, c_native):
    core, http1 = ffis
    engine = c_native.Engine(http1=http1.c_api_address())
    engine.destroy()
    fake = core.ffi.new("saltare_http1_api_t *")
    fake.abi_version = 2
    with pytest.raises(ValueError, match="ABI version"):
        c_native.Engine(http1=int(core.ffi.cast("uintptr_t", fake)))
    # The table layout: core reads abi_version and five function pointers.
    assert core.ffi.sizeof("saltare_http1_api_t") == 8 + 5 * core.ffi.sizeof("void *")
