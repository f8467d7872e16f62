"""Family links: a guardian adds a minor child, two spouses link by both confirming, links end.

A child's bills live in a resident row of the child's own — a held account with no login —
so collection, the list, claims and authorizations work on them unchanged; a guardian acts on
that row through an active link (wallet.policy.decide_family decides each use). The link ends by
itself on the child's 18th birthday: every use checks the date, and the worker marks due links
ended and tells the guardian. The bills stay in the child's row, which becomes the child's own
wallet when they activate one (wallet.auth.accounts.activate_account).

``today`` is the wallet's clock for all of this (Beijing date); tests replace it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.exc import IntegrityError

from common.adulthood import coming_of_age, is_minor
from common.database import write_transaction
from common.timeutil import to_local, utcnow
from common.translatable import N_, gettext, lazy_gettext
from wallet import audit
from wallet.auth.family_claim import AttestedPerson
from wallet.extensions import db
from wallet.identity import lookup_hash, seal
from wallet.models.family import CHILD, SPOUSE, FamilyLink
from wallet.models.resident import HELD_PREFIX, ID_NUMBER_PURPOSE, NAME_PURPOSE, Resident
from wallet.refusals import Refusal
from wallet.services import activity, family_shares

CHILD_OF_AGE = N_("子女已年满十八周岁")
NOT_A_MINOR = Refusal(
    "not_a_minor", lazy_gettext("该子女已年满十八周岁，不能再由监护人代管，请其本人登录开通票据夹。"), 409
)
LINK_NOT_FOUND = Refusal(
    "link_not_found", lazy_gettext("没有找到这条家庭关联，可能已解除。请返回“家人”页面刷新。"), 404
)


def today() -> date:
    """The wallet's date (Beijing time), the one clock links end by."""
    return to_local(utcnow()).date()


def _by_id_number(id_number: str) -> Resident | None:
    return db.session.scalar(select(Resident).where(Resident.id_number_hash == lookup_hash(id_number)))


def held_account(person: AttestedPerson) -> Resident:
    """A wallet row for someone who has none (a child): no login, no terms accepted (``terms_version``
    empty), adopted by the person's own activation. Flushed in the caller's transaction."""
    now = utcnow()
    row = Resident(
        oidc_sub=HELD_PREFIX + secrets.token_urlsafe(24),
        name_enc=seal(person.name, NAME_PURPOSE),
        id_number_enc=seal(person.id_number, ID_NUMBER_PURPOSE),
        id_number_hash=lookup_hash(person.id_number),
        activated_at=now,
        terms_version="",
        terms_accepted_at=now,
        held_since=now,
    )
    db.session.add(row)
    db.session.flush()
    return row


def _open_link(relation: str, resident_id: int, member_id: int) -> FamilyLink | None:
    return db.session.scalar(
        select(FamilyLink).where(FamilyLink.open_key == FamilyLink.key_for(relation, resident_id, member_id))
    )


def add_child(guardian: Resident, child: AttestedPerson, on: date) -> FamilyLink:
    """Link ``guardian`` to the attested ``child`` (creating the child's held account if needed).

    Confirming twice, or both at once, leaves one link: the second finds the first.
    """
    if not is_minor(child.born, on):
        raise NOT_A_MINOR
    write_transaction(db.session)
    member = _by_id_number(child.id_number) or held_account(child)
    if member.id == guardian.id:
        db.session.rollback()
        raise Refusal("self_link", gettext("不能把自己添加为家人。"), 409)
    found = _open_link(CHILD, guardian.id, member.id)
    if found is not None:
        db.session.commit()
        return found
    now = utcnow()
    link = FamilyLink(
        resident_id=guardian.id,
        member_id=member.id,
        relation=CHILD,
        open_key=FamilyLink.key_for(CHILD, guardian.id, member.id),
        created_at=now,
        confirmed_at=now,
        ends_on=coming_of_age(child.born),
    )
    try:
        db.session.add(link)
        db.session.flush()
        audit.record("family.add_child", guardian, audit.subject_of(link), member=member.id)
        db.session.commit()
    except IntegrityError:  # the other confirmation won the race: its link stands
        db.session.rollback()
        raced = _by_id_number(child.id_number)
        existing = _open_link(CHILD, guardian.id, raced.id) if raced is not None else None
        if existing is None:
            raise
        return existing
    return link


def request_spouse(resident: Resident, spouse: AttestedPerson) -> FamilyLink:
    """Ask the attested spouse to link; they confirm in their own wallet. Asking again finds the request."""
    write_transaction(db.session)
    other = _by_id_number(spouse.id_number)
    if other is None or other.is_held or other.id == resident.id:
        db.session.rollback()
        raise Refusal(
            "spouse_without_wallet",
            gettext("您的配偶还没有开通票据夹。请对方先用蒙速办登录开通，再发起配偶关联。"),
            409,
        )
    found = _open_link(SPOUSE, resident.id, other.id)
    if found is not None:
        db.session.commit()
        return found
    link = FamilyLink(
        resident_id=resident.id,
        member_id=other.id,
        relation=SPOUSE,
        open_key=FamilyLink.key_for(SPOUSE, resident.id, other.id),
        created_at=utcnow(),
    )
    try:
        db.session.add(link)
        db.session.flush()
        audit.record("family.ask_spouse", resident, audit.subject_of(link), member=other.id)
        activity.tell(other.id, "family_spouse_asked", kind="family", spouse=resident.masked_name)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = _open_link(SPOUSE, resident.id, other.id)
        if existing is None:
            raise
        return existing
    return link


def _locked_link(link_id: int) -> FamilyLink | None:
    return db.session.scalar(
        select(FamilyLink)
        .where(FamilyLink.id == link_id)
        .with_for_update(of=FamilyLink)
        .execution_options(populate_existing=True)
    )


def answer_spouse(resident_id: int, link_id: int, accept: bool) -> FamilyLink:
    """The asked spouse confirms (the link stands) or declines (it ends)."""
    write_transaction(db.session)
    link = _locked_link(link_id)
    if link is None or link.relation != SPOUSE or link.member_id != resident_id or link.open_key is None:
        db.session.rollback()
        raise LINK_NOT_FOUND
    if link.confirmed_at is not None:
        db.session.commit()
        return link
    me = link.member.masked_name
    if accept:
        link.confirmed_at = utcnow()
        activity.tell(link.resident_id, "family_spouse_confirmed", kind="family", spouse=me)
    else:
        _end(link, N_("配偶拒绝关联"))
        activity.tell(link.resident_id, "family_spouse_declined", kind="family", spouse=me)
    audit.record("family.answer_spouse", f"resident:{resident_id}", audit.subject_of(link), accepted=accept)
    db.session.commit()
    return link


def end_link(resident_id: int, link_id: int) -> FamilyLink:
    """Either spouse ends their link; a guardian ends their own link to a child (the other guardian's stays)."""
    write_transaction(db.session)
    link = _locked_link(link_id)
    party = link is not None and (
        link.resident_id == resident_id or (link.relation == SPOUSE and link.member_id == resident_id)
    )
    if link is None or not party or link.open_key is None:
        db.session.rollback()
        raise LINK_NOT_FOUND
    _end(link, N_("本人解除") if link.relation == SPOUSE else N_("监护人停止代管"))
    if link.relation == SPOUSE:
        other = link.other(resident_id)
        me = link.member if other is link.resident else link.resident
        activity.tell(other.id, "family_spouse_ended", kind="family", spouse=me.masked_name)
    audit.record("family.end", f"resident:{resident_id}", audit.subject_of(link))
    db.session.commit()
    return link


def _end(link: FamilyLink, reason: str) -> None:
    link.open_key, link.ended_at, link.end_reason = None, utcnow(), reason


def end_due_links(on: date, limit: int = 200) -> int:
    """Mark ended the children's links whose 18th birthday has come, telling each guardian."""
    due = (FamilyLink.relation == CHILD, FamilyLink.ended_at.is_(None), FamilyLink.ends_on <= on)
    if db.session.scalar(select(FamilyLink.id).where(*due).limit(1)) is None:
        return 0
    write_transaction(db.session)
    links = db.session.scalars(
        select(FamilyLink)
        .where(*due)
        .limit(limit)
        .with_for_update(of=FamilyLink)
        .execution_options(populate_existing=True)
    ).all()
    for link in links:
        _end(link, CHILD_OF_AGE)
        audit.record("family.child_of_age", None, audit.subject_of(link), member=link.member_id)
        activity.tell(link.resident_id, "family_child_ended", kind="family", child=link.member.masked_name)
    db.session.commit()
    return len(links)


def link_between(actor_id: int, member_id: int) -> FamilyLink | None:
    """The latest link through which ``actor_id`` may reach ``member_id``'s bills: theirs to a child,
    or a spouse link either way round. Whether it still stands is the policy's question."""
    mine = and_(FamilyLink.resident_id == actor_id, FamilyLink.member_id == member_id)
    theirs = and_(FamilyLink.relation == SPOUSE, FamilyLink.resident_id == member_id, FamilyLink.member_id == actor_id)
    return db.session.scalar(select(FamilyLink).where(or_(mine, theirs)).order_by(FamilyLink.id.desc()).limit(1))


# Built once: a bill's page asks it on every view (for its spouse-sharing section).
_LINKS_OF = (
    select(FamilyLink)
    .where(
        or_(
            FamilyLink.resident_id == bindparam("resident"),
            and_(FamilyLink.relation == SPOUSE, FamilyLink.member_id == bindparam("resident")),
        )
    )
    .order_by(FamilyLink.id.desc())
)


def links_of(resident_id: int) -> list[FamilyLink]:
    """Every link the resident is part of (children's as guardian, spouse's either way), newest first."""
    return list(db.session.scalars(_LINKS_OF, {"resident": resident_id}))


def spouse_link(resident_id: int, on: date) -> FamilyLink | None:
    """The resident's standing spouse link, if any."""
    return next((k for k in links_of(resident_id) if k.relation == SPOUSE and stands(k, on)), None)


def stands(link: FamilyLink, on: date) -> bool:
    """Open, confirmed, and (for a child) before the 18th birthday."""
    return link.open_key is not None and link.confirmed_at is not None and (link.ends_on is None or on < link.ends_on)


@dataclass(frozen=True)
class Holder:
    """Whose bills a ledger page counts: the resident, a linked child, or the spouse's shared bills
    (``bill_ids``: only those; None means every bill of the holder)."""

    label: str
    resident_id: int
    relation: str  # self | child | spouse
    bill_ids: frozenset[int] | None = None
    masked_name: str = ""

    @property
    def shown_label(self) -> str:
        """The label in the reader's language; ``label`` itself stays Chinese, the ledger's key."""
        if self.relation == CHILD:
            return gettext("%(name)s（子女）", name=self.masked_name)
        if self.relation == SPOUSE:
            return gettext("%(name)s（配偶共享）", name=self.masked_name)
        return gettext(self.label)


def ledger_holders(resident: Resident, on: date) -> list[Holder]:
    """The resident, each child through a standing link, and the spouse's shared bills."""
    holders = [Holder(N_("本人"), resident.id, "self")]  # a key of the ledger: shown where read
    for link in reversed(links_of(resident.id)):
        if not stands(link, on):
            continue
        other = link.other(resident.id)
        if link.relation == CHILD:
            holders.append(Holder(f"{other.masked_name}（子女）", other.id, CHILD, masked_name=other.masked_name))
        else:
            shared = family_shares.shared_bill_ids(link, owner_id=other.id)
            holders.append(
                Holder(f"{other.masked_name}（配偶共享）", other.id, SPOUSE, frozenset(shared), other.masked_name)
            )
    return holders
