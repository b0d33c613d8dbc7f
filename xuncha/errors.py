"""The project's exceptions: one small tree, caught once by the CLI.

XunchaError                 base: the CLI prints its message as one line and exits 2
├── ProfileError            a site profile is unreadable, malformed or invalid
├── StoreError              the database cannot be opened or is not at our schema
├── RunLockedError          another run of the same site is in progress
├── SiteUnreachableError    the start URL could not be loaded (the run is stored as failed)
└── OutputError             a run's outputs could not be written (the run is stored as failed)
"""

from __future__ import annotations


class XunchaError(Exception):
    """A user-facing failure with a message that says what failed and what to do."""


class ProfileError(XunchaError):
    """The profile could not be loaded; the message names the file, line and key."""


class StoreError(XunchaError):
    """The database could not be used."""


class RunLockedError(XunchaError):
    """A run of this site is already in progress."""


class SiteUnreachableError(XunchaError):
    """The start URL could not be loaded."""


class OutputError(XunchaError):
    """The run's outputs (findings.json, report.html, ledger.xlsx) could not be written."""
