"""The tiny world of the multi-process deployment test (test_deploy_processes.py), built in its
fresh PostgreSQL database by ``essaim shell -c "from essaim.core.tests.deploy_world import
build; build()"``: a programme with a single window, a project holder who signs in with a
password (and two others: one to attack with, one to lock out), and a published label whose
certificate is made on first request. Addresses carry ``run`` (rate limits are counted in Redis,
which outlives a run). Prints the ids as JSON on the last line."""

import json

from essaim.calls.models import WaveStatus
from essaim.labels.tests.factories import (
    ApplicationFactory,
    WaveFactory,
    labelled,
    programme_admin,
)
from essaim.regulatory.tests.factories import holder

PASSWORD = "secret-password"  # UserFactory's


def build(run: str) -> None:
    wave = WaveFactory(french_impact=True, number=1, status=WaveStatus.PUBLISHED)
    programme = wave.programme
    programme.single_window_email = "guichet@essaim.example"
    programme.save(update_fields=["single_window_email"])
    application = ApplicationFactory(proposed=True, wave=wave)
    label = labelled(application, programme_admin(programme))
    person = holder(email=f"porteuse-{run}@essaim.example")
    stranger = holder(email=f"autre-{run}@essaim.example")
    locked = holder(email=f"bloquee-{run}@essaim.example")
    print(  # noqa: T201 - read by the test
        json.dumps(
            {
                "label": label.pk,
                "email": person.email,
                "stranger": stranger.email,
                "locked": locked.email,
                "password": PASSWORD,
            }
        )
    )
