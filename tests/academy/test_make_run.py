"""``make run PORT=8312`` serves on 8312 and the links in its e-mails point there too (the
Makefile passes SITE_URL from HOST and PORT unless SITE_URL is given)."""

import os
import shlex
import subprocess
import sys
from itertools import takewhile
from pathlib import Path

import pytest
from django.conf import settings

from organisations.services.invitations import invitation_url

BASE_DIR = Path(settings.BASE_DIR)


def runserver_command(*arguments: str, **variables: str) -> list[str]:
    """The command ``make run`` would run last (``make -n`` prints it without running it)."""
    # Under `make test` the outer make's variables would leak in (and print "Entering
    # directory" lines): run this make as a top-level one.
    outer = ("SITE_URL", "HOST", "PORT", "MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES")
    env = {k: v for k, v in os.environ.items() if k not in outer}
    out = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", *arguments],
        cwd=BASE_DIR,
        env={**env, **variables},
        capture_output=True,
        text=True,
        check=True,
    )
    return shlex.split(out.stdout.strip().splitlines()[-1])


def site_url_in(command: list[str]) -> str:
    """SITE_URL as the settings of that command see it."""
    variables = dict(word.split("=", 1) for word in takewhile(lambda w: "=" in w, command))
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    out = subprocess.run(
        [sys.executable, "-c", "from academy import settings; print(settings.SITE_URL)"],
        cwd=BASE_DIR,
        env={**env, **variables},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


@pytest.mark.django_db
def test_the_invitation_link_points_to_the_port_make_run_serves_on(settings, organisation):
    from organisations.models import Invitation

    command = runserver_command("PORT=8312")

    assert command[-2:] == ["runserver", "127.0.0.1:8312"]
    settings.SITE_URL = site_url_in(command)
    invitation = Invitation(organisation=organisation, email="a@example.org", token="t0ken" * 5)
    assert (
        invitation_url(invitation)
        == "http://127.0.0.1:8312/organisations/invitations/" + "t0ken" * 5 + "/"
    )


def test_a_given_site_url_wins():
    assert site_url_in(runserver_command(SITE_URL="https://academie.example.nl")) == (
        "https://academie.example.nl"
    )
    assert site_url_in(runserver_command("SITE_URL=https://a.example.nl", "PORT=9000")) == (
        "https://a.example.nl"
    )
