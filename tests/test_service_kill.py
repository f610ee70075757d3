"""SIGKILL `tracker run` (default configuration) twenty times during delivery: each
restart takes the dead process's claims over at once, nothing is lost, and a crash
costs at most one duplicate (a message the server accepted just before the kill)."""

from __future__ import annotations

import pytest
from service_campaign import run_campaign

KILLS = 20


@pytest.mark.slow
def test_sigkill_during_delivery_resumes_at_once_and_loses_nothing(tmp_path):
    campaign = run_campaign(tmp_path, f"sqlite:///{tmp_path / 'tracker.db'}", kills=KILLS,
                            officers=30)
    print(campaign.summary())  # the README's resume figures come from this line (pytest -s)
    assert max(campaign.resume_seconds) < 30
