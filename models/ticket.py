"""Tickets, their audit trail, and their photos."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from models.types import TEXT_LIMIT, utc_column


class Ticket(SQLModel, table=True):
    __table_args__ = (Index("ix_ticket_assignee_status", "assignee_id", "status"),)
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, index=True, max_length=32)
    grid_id: int = Field(foreign_key="area.id", index=True)
    reporter_id: int = Field(foreign_key="member.id", index=True)
    text: str = Field(default="", max_length=TEXT_LIMIT)
    category: str = Field(max_length=32, index=True)
    urgent: bool = False
    status: str = Field(max_length=16, index=True)
    assignee_id: int | None = Field(default=None, foreign_key="member.id")
    department_id: int | None = Field(default=None, foreign_key="department.id")
    latitude: float | None = None
    longitude: float | None = None
    rating: int | None = None
    close_note: str | None = Field(default=None, max_length=TEXT_LIMIT)
    reject_reason: str | None = Field(default=None, max_length=TEXT_LIMIT)
    # Where the report came from, so replies can quote the resident's own message.
    source_platform: str = Field(max_length=16)
    source_chat_id: str = Field(max_length=64)
    source_message_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(sa_column=utc_column(nullable=False))
    # Optimistic concurrency: every transition is UPDATE ... WHERE version = seen version.
    version: int = 0

    # The ladder grid → community → street → district: which tier holds the ticket now.
    tier: str = Field(default="grid", max_length=16)
    tier_area_id: int | None = Field(default=None, foreign_key="area.id")
    # SLA: the milestone now running (take/on_site/resolve/feedback/accept), when it falls
    # due, and when the sweep must next look at this ticket (a reminder, a breach, an
    # escalation). The sweep selects by next_due_at alone, so its cost follows what is due.
    milestone: str | None = Field(default=None, max_length=16)
    due_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    next_due_at: datetime | None = Field(
        default=None, sa_column=utc_column(nullable=True, index=True)
    )
    # Waiting for the resident (no access to the flat): the clock stops, audited.
    paused_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    paused_seconds: int = 0
    # 即知即办: closed on the spot by the worker without dispatch, counted apart.
    on_the_spot: bool = False
    duplicate_of_id: int | None = Field(default=None, foreign_key="ticket.id")
    return_reason: str | None = Field(default=None, max_length=TEXT_LIMIT)
    # A private report is shown in groups without the reporter's name unless she chose to be
    # named at the confirm step (models.privacy masks its words either way).
    reporter_named: bool = False
    # Reported in a private chat with the bot: its words are masked fully in groups.
    private_report: bool = False
    # Retention (models/retention.py): when this finished ticket's personal text was blanked.
    anonymised_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class TicketEvent(SQLModel, table=True):
    __tablename__ = "ticket_event"
    # The digests count the day's (week's, month's) resolutions by action and time; without
    # it each batch of a digest run read the whole audit trail (a sequential scan).
    __table_args__ = (Index("ix_ticket_event_action_at", "action", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="member.id")
    action: str = Field(max_length=24)
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str = Field(max_length=16)
    note: str | None = Field(default=None, max_length=TEXT_LIMIT)
    at: datetime = Field(sa_column=utc_column(nullable=False))


class Photo(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("ticket_id", "file_unique_id"),)
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    stage: str = Field(default="before", max_length=8)  # before | after
    platform: str = Field(max_length=16)
    file_id: str = Field(max_length=256)
    file_unique_id: str = Field(max_length=128)
    width: int | None = None
    height: int | None = None
    sha256: str | None = Field(default=None, max_length=64)
    stored_path: str | None = Field(default=None, max_length=256)
    download_attempts: int = 0
    next_attempt_at: datetime | None = Field(
        default=None, sa_column=utc_column(nullable=True, index=True)
    )
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    # Retention: the file was deleted (stored_path cleared); the row stays for the counts.
    pruned_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class SlaStep(SQLModel, table=True):
    """A reminder, breach notice or escalation that was sent: recorded, so never sent twice."""

    __tablename__ = "sla_step"
    __table_args__ = (UniqueConstraint("ticket_id", "milestone", "step"),)
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    milestone: str = Field(max_length=16)
    step: str = Field(max_length=24)
    at: datetime = Field(sa_column=utc_column(nullable=False))


class TicketFollower(SQLModel, table=True):
    """People linked to a ticket besides its reporter: a +1 on a duplicate report."""

    __tablename__ = "ticket_follower"
    __table_args__ = (UniqueConstraint("ticket_id", "member_id"),)
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    reason: str = Field(default="plus_one", max_length=16)
    at: datetime = Field(sa_column=utc_column(nullable=False))


class TicketDepartment(SQLModel, table=True):
    """Departments on a ticket: one lead closes it, helpers see it (大事合办、难事协办)."""

    __tablename__ = "ticket_department"
    __table_args__ = (UniqueConstraint("ticket_id", "department_id"),)
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    department_id: int = Field(foreign_key="department.id")
    liaison_id: int | None = Field(default=None, foreign_key="member.id")
    role: str = Field(default="lead", max_length=8)  # lead | helper
    at: datetime = Field(sa_column=utc_column(nullable=False))


class UndeliverableNotice(SQLModel, table=True):
    """A staff-only message no staff member could be reached for: no private chat and no staff
    group. Kept so `gridbot check` can list who must start the bot or bind a staff group."""

    __tablename__ = "undeliverable_notice"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=24)  # reminder, breach, escalation, digest, emergency, handover
    area_id: int = Field(foreign_key="area.id", index=True)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    member_id: int | None = Field(default=None, foreign_key="member.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    at: datetime = Field(sa_column=utc_column(nullable=False))
