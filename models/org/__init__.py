"""The organisation: the area tree, departments, people, their roles, and the bound groups."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.types import utc_column


class AreaKind(StrEnum):
    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"
    GRID = "grid"
    BUILDING = "building"


# A child must sit exactly one level below its parent: the tree is the escalation ladder.
AREA_LEVEL = {k: i for i, k in enumerate(AreaKind)}


class Role(StrEnum):
    RESIDENT = "resident"
    WORKER = "worker"
    LEADER = "leader"
    BUILDING_HEAD = "building_head"
    LIAISON = "liaison"
    ADMIN = "admin"
    COMMAND = "command"


class Area(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True, max_length=32)
    name: str = Field(max_length=128)
    kind: str = Field(max_length=16)
    parent_id: int | None = Field(default=None, foreign_key="area.id", index=True)
    # Per-grid counter behind readable ticket numbers such as G0102-0042.
    ticket_seq: int = 0


class Department(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True, max_length=32)
    name: str = Field(max_length=64)
    name_en: str = Field(default="", max_length=64)


class Member(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("platform", "platform_user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    platform_user_id: str = Field(max_length=64)
    display_name: str = Field(default="", max_length=128)
    locale: str | None = Field(default=None, max_length=8)
    # Set once the person opens a private chat with the bot; without it we can only reach
    # them in their group.
    private_chat_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class RoleAssignment(SQLModel, table=True):
    __tablename__ = "role_assignment"
    # Unique over coalesce(department_id, 0): most roles have no department, and NULLs are
    # distinct to a plain unique constraint, so two concurrent first messages from a new
    # resident could otherwise both add the same resident role.
    __table_args__ = (
        Index(
            "uq_role_assignment_scope",
            "member_id",
            "role",
            "area_id",
            text("coalesce(department_id, 0)"),
            unique=True,
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    role: str = Field(max_length=16)
    area_id: int = Field(foreign_key="area.id", index=True)
    department_id: int | None = Field(default=None, foreign_key="department.id")


class ChatGroup(SQLModel, table=True):
    __tablename__ = "chat_group"
    __table_args__ = (UniqueConstraint("platform", "chat_id"),)
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    chat_id: str = Field(max_length=64)
    area_id: int = Field(foreign_key="area.id", index=True)
    title: str = Field(default="", max_length=128)
    locale: str | None = Field(default=None, max_length=8)
    bound_by_member_id: int | None = Field(default=None, foreign_key="member.id")
    bound_at: datetime = Field(sa_column=utc_column(nullable=False))
    # residents: the grid's group, where cards and confirmations go. staff: bound with
    # `/bind CODE staff`, the only group that may carry staff-only messages (handlers.routing).
    purpose: str = Field(default="residents", max_length=12)


class InviteCode(SQLModel, table=True):
    __tablename__ = "invite_code"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True, max_length=64)
    role: str = Field(max_length=16)
    area_id: int = Field(foreign_key="area.id")
    department_id: int | None = Field(default=None, foreign_key="department.id")
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    used_by_member_id: int | None = Field(default=None, foreign_key="member.id")
    # None on codes made before invites expired: those stay valid until used or revoked.
    expires_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    revoked_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
