import importlib.metadata

import saltare_tls


def test_version_is_the_installed_distribution_version():
    assert saltare_tls.__version__ == importlib.metadata.version("saltare-tls")
