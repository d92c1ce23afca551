"""How long the gateway's bearer tokens may live.

An application's `token_lifetime` (its client credentials tokens) lies within these bounds;
the longest of them is also the default of the longest lifetime the verifier accepts
(`Settings.max_token_lifetime_seconds`).
"""

from __future__ import annotations

APPLICATION_TOKEN_LIFETIME_DEFAULT = 3600
APPLICATION_TOKEN_LIFETIME_MIN = 60
APPLICATION_TOKEN_LIFETIME_MAX = 86400
