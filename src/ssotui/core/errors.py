"""Errors the command line maps to exit codes; messages are one clear line, no secrets."""

from __future__ import annotations


class SsotuiError(Exception):
    """Base class. `exit_code` is what the CLI returns."""

    exit_code = 1


class UsageError(SsotuiError):
    """Bad usage or bad input: unknown account, malformed config (exit 2)."""

    exit_code = 2


class ConfigError(UsageError):
    """A malformed or unusable file; the message names file, line and fix."""


class RuntimeFailure(SsotuiError):
    """Network trouble or AWS said no (exit 1)."""


class NeedsLogin(RuntimeFailure):
    """No usable token for the sso-session: run `ssotui login`."""
