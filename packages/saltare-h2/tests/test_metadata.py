import importlib.metadata

import saltare_h2


def test_version_is_the_installed_distribution_version():
    assert saltare_h2.__version__ == importlib.metadata.version("saltare-h2")
