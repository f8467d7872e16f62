"""A what-if for ``make bench``: the wallet with each signed-in resident remembered by the process.

The wallet reads the signed-in account (with its change sequence) from the database on
every request, so a closed account or ended session stops at once and a page never shows a
list older than a change the person just made. The kept list's goal (0.6 × hello) cannot be
met while that read stays, and whether to remember accounts between requests instead (with
a way to hear of each change at once) is a security trade for the project's owner to make.
This app measures what the trade would buy, end to end under gunicorn: the same system as
``bench.bench_app``, except that a resident, once read, is answered from the process's
memory and never read again. It serves only the benchmark's hello and kept-list requests;
nothing changes the resident while it runs, so what it remembers stays true.
"""

from __future__ import annotations

from bench.bench_app import app
from wallet.auth import sessions
from wallet.extensions import db
from wallet.models import Resident

_remembered: dict[int, Resident] = {}


def remembered_resident(pk: int) -> Resident | None:
    """The resident as first read, sync state included, detached so no later request's session touches it."""
    if pk not in _remembered:
        # A context of its own, so its session is not the request's, which ends (and expires) with it.
        with app.app_context():
            resident = sessions.load_resident(pk)
            if resident is None:
                return None
            db.session.expunge_all()  # the resident and its sync state, with every loaded attribute kept
        _remembered[pk] = resident
    return _remembered[pk]


sessions.USER_KINDS["resident"] = remembered_resident
