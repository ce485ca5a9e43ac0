"""Suite-wide setup: the network guard goes up before any test module is imported."""

from tests import network_guard

network_guard.install()

pytest_plugins = ["tests.fixtures"]
