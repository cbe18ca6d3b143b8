import importlib.metadata

import saltare_core


def test_version_is_the_installed_distribution_version():
    assert saltare_core.__version__ == importlib.metadata.version("saltare-core")
