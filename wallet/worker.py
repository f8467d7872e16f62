"""The collection worker: runs queued syncs and data exports, follows the network's change feed,
records what time alone changes (authorizations that run out, locks that lapse, export files
whose download link has lapsed, guardians' links to children who came of age), reminds residents of
what is coming due (and pushes it to their browsers), and publishes the audit chain's head once a day.

It runs as its own process (``flask wallet work``) beside the web processes; any number
may run, since jobs are claimed atomically, feed effects are idempotent, and a sweep holds
the rows it changes.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from flask import Flask

from wallet.audit_heads import publish_head
from wallet.clients.fiscal import FiscalClient, FiscalError, FiscalUnavailable
from wallet.extensions import db
from wallet.identity_lookup import id_number_of, resident_for_id_number
from wallet.services import authorizations, export_jobs, family, reminders, web_push
from wallet.services.collection_jobs import work_once
from wallet.services.follower import follow_once

log = logging.getLogger(__name__)
# Pages and the unit inbox record what is due for whom they show; the worker's sweep is for
# everyone nobody is looking at, so their notification arrives within this many seconds.
SWEEP_SECONDS = 30.0
SWEEP_BATCH = 200
# Reminders are worked out and delivered this often: their due dates are days, their stages hours apart.
REMIND_SECONDS = 60.0
# The day's audit head is published at the first look after midnight (Beijing time).
PUBLISH_CHECK_SECONDS = 600.0
# A feed that answered empty is asked again after a wait that doubles, from the poll up to this:
# an idle feed costs a network call and its answer every few seconds instead of several a
# second, and the first event after a quiet spell arrives within this long (then at poll pace
# again while events keep coming). Queued syncs and exports are still looked for every poll.
FEED_IDLE_MAX_SECONDS = 2.0


class Worker:
    def __init__(self, app: Flask, poll_seconds: float = 0.25, run_syncs: bool = True) -> None:
        """``run_syncs=False`` follows the feed (and sweeps) only, leaving syncs and exports to other
        workers, so the two can be scaled apart."""
        self.app = app
        self.poll_seconds = poll_seconds
        self.run_syncs = run_syncs
        self.name = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
        self.feed_backoff_until = 0.0
        self.feed_failures = 0
        self.feed_idle_rounds = 0
        self.next_sweep = 0.0
        self.next_publish = 0.0
        self.next_remind = 0.0

    def tick(self) -> bool:
        """One round: a due sync, a queued export, a page of the feed, a due sweep, the day's audit head.
        True when anything happened."""
        with self.app.app_context():
            client = FiscalClient.from_app()
            busy = False
            if self.run_syncs:
                busy = work_once(self.name, id_number_of, client)
                busy = export_jobs.work_once(self.name, client) or busy
            if time.monotonic() >= self.feed_backoff_until:
                busy = self.follow(client) or busy
            if time.monotonic() >= self.next_sweep:
                busy = self.sweep() or busy
            if time.monotonic() >= self.next_publish:
                busy = self.publish() or busy
            if time.monotonic() >= self.next_remind:
                busy = self.remind() or busy
            db.session.remove()
            return busy

    def sweep(self) -> bool:
        """Expire and mark lapsed what is due, and end the family links of children come of age
        (a batch a round, again at once while batches are full)."""
        done = authorizations.sweep(limit=SWEEP_BATCH)
        purged = export_jobs.purge_expired()
        ended = family.end_due_links(family.today(), limit=SWEEP_BATCH)
        full = done >= SWEEP_BATCH or ended >= SWEEP_BATCH
        self.next_sweep = time.monotonic() + (0.0 if full else SWEEP_SECONDS)
        return done + purged + ended > 0

    def remind(self) -> bool:
        """Work out what is due, deliver what may be, then push what was queued (after its commit)."""
        self.next_remind = time.monotonic() + REMIND_SECONDS
        delivered = reminders.run()
        return delivered + web_push.send_due() > 0

    def publish(self) -> bool:
        """Publish today's audit head unless it already is (several workers may ask; one publishes)."""
        self.next_publish = time.monotonic() + PUBLISH_CHECK_SECONDS
        return publish_head() is not None

    def follow(self, client: FiscalClient) -> bool:
        try:
            applied = follow_once(client, resident_for_id_number)
        except (FiscalUnavailable, FiscalError) as exc:
            db.session.rollback()
            self.feed_failures += 1
            delay = min(30.0, 0.5 * 2**self.feed_failures)
            self.feed_backoff_until = time.monotonic() + delay
            log.warning("change feed unavailable, retrying in %.1fs: %s", delay, exc)
            return False
        self.feed_failures = 0
        if applied:
            self.feed_idle_rounds = 0
        else:
            wait = min(FEED_IDLE_MAX_SECONDS, self.poll_seconds * 2**self.feed_idle_rounds)
            self.feed_idle_rounds += 1
            self.feed_backoff_until = time.monotonic() + wait
        return applied > 0

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                busy = self.tick()
            except Exception:  # a worker must outlive any one bad round
                log.exception("worker round failed")
                busy = False
            if not busy:
                stop.wait(self.poll_seconds)
