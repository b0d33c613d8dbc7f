"""The one error of the checks package: a check's configuration cannot be used.

::

    CheckConfigError        a setting a check reads is not usable (a due date that is no date)
     └─ RulePackError       a rule pack is missing, unreadable, or not a valid pack

The application turns it into its own profile error, so a bad setting is one line naming the
setting, never a traceback.
"""

from __future__ import annotations


class CheckConfigError(ValueError):
    """A setting a check reads is not usable; the message names the setting."""
