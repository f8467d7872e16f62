"""write_transaction never throws away changes: it ends a reading transaction, and refuses over unsaved work."""

from __future__ import annotations

import pytest
from sqlalchemy import Integer, String, create_engine, insert, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from common.database import PendingWork, write_transaction


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(String(20))


@pytest.fixture
def session(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'notes.db'}")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(Note(id=1, text="kept"))
        session.commit()
        yield session


def stored(session: Session) -> list[str]:
    session.rollback()
    return list(session.scalars(select(Note.text).order_by(Note.id)))


def test_a_transaction_that_only_read_is_ended_and_the_write_lock_taken(session):
    assert session.scalar(select(Note.text)) == "kept"
    write_transaction(session)
    session.add(Note(id=2, text="new"))
    session.commit()
    assert stored(session) == ["kept", "new"]


@pytest.mark.parametrize("change", ["added", "edited", "deleted", "flushed", "statement"])
def test_unsaved_changes_are_refused_not_silently_rolled_back(session, change):
    note = session.get(Note, 1)
    if change == "added":
        session.add(Note(id=2, text="new"))
    elif change == "edited":
        note.text = "edited"
    elif change == "deleted":
        session.delete(note)
    elif change == "flushed":
        session.add(Note(id=2, text="new"))
        session.flush()
    else:
        session.execute(insert(Note).values(id=2, text="new"))
    with pytest.raises(PendingWork):
        write_transaction(session)
    session.commit()  # the work is still there to be committed
    assert stored(session) != ["kept"]


def test_an_untouched_loaded_row_is_no_pending_work(session):
    note = session.get(Note, 1)
    note.text = note.text  # same value: nothing to save
    write_transaction(session)
    session.rollback()
