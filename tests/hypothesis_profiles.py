"""Hypothesis example counts, in profiles rather than in the tests' decorators.

``HYPOTHESIS_PROFILE`` picks one: ``default`` is quick, for the README's ``uv run pytest``;
``ci`` is thorough, selected by ``.ci/run``, and runs every test at least as many examples as it
ran before the counts moved here (1,200 was the most any property ran).

A whole app session per example costs about a second, so the Pilot fuzzer has a budget of its
own: ``APP_SESSIONS``, 15 sessions under ``ci`` (as before) and 5 under ``default``.
"""

from __future__ import annotations

import os

from hypothesis import settings

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
_COUNTS = {"default": (15, 5), "ci": (1200, 15)}  # (each property, each app-session fuzzer)

for _name, (_properties, _sessions) in _COUNTS.items():
    settings.register_profile(_name, max_examples=_properties, deadline=None)
    settings.register_profile(f"{_name}-app-sessions", max_examples=_sessions, deadline=None)
settings.load_profile(PROFILE)

APP_SESSIONS = settings.get_profile(f"{PROFILE}-app-sessions")
