"""SIGKILL `tracker run` (default configuration) twenty times during delivery: each
restart takes the dead process's claims over at once, nothing is lost, and a crash
costs at most one duplicate per SMTP connection (a message the server accepted just
before the kill on each of the pool's connections)."""

from __future__ import annotations

import pytest
from service_campaign import WITHIN, run_campaign

KILLS = 20


@pytest.mark.slow
def test_sigkill_during_delivery_resumes_at_once_and_loses_nothing(tmp_path):
    # Two SMTP connections (the default pool) each at 0.01 s a message: the pace of one
    # connection at 0.005 s, so the twenty kills land mid-campaign as before.
    campaign = run_campaign(tmp_path, f"sqlite:///{tmp_path / 'tracker.db'}", kills=KILLS,
                            officers=30, smtp_delay=0.01)
    print(campaign.summary())  # the README's resume figures come from this line (pytest -s)
    assert max(campaign.resume_seconds) < WITHIN
