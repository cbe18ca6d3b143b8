import importlib.metadata

import saltare_http1


def test_version_is_the_installed_distribution_version():
    assert saltare_http1.__version__ == importlib.metadata.version("saltare-http1")


def test_public_api():
    assert sorted(saltare_http1.__all__) == sorted(set(saltare_http1.__all__))
    for name in saltare_http1.__all__:
        assert hasattr(saltare_http1, name), name
