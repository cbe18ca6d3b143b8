import importlib.metadata

import saltare_ws


def test_version_is_the_installed_distribution_version():
    assert saltare_ws.__version__ == importlib.metadata.version("saltare-ws")
