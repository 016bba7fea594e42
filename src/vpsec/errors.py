"""The one exception hierarchy for problems a user can fix; each means exit 2."""

from __future__ import annotations


class VpsecError(Exception):
    """vpsec could not run. The message is one line a user can act on."""

    exit_code = 2


class UsageError(VpsecError):
    """A command-line value is wrong (an unknown rule code, a bad date)."""


class WorkspaceNotFound(VpsecError):
    """No vpsec.yaml where the user pointed, nor above it."""


class ConfigError(VpsecError):
    """vpsec.yaml cannot be read at all."""


class OutputError(VpsecError):
    """The requested output file cannot be written."""


class GitError(VpsecError):
    """git refused, or the repository is in a state vpsec will not touch."""


class TemplateError(VpsecError):
    """A report template is missing, broken or tried something forbidden."""
