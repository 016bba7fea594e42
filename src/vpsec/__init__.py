"""vpsec: keep security arrangements in line with the Voluntary Principles."""

__version__ = "0.1.0"
