"""SQLModel tables and the pure rules beside them. Imports no messenger or web framework."""

from models.messaging import Conversation, Draft, InboxUpdate, MessageRef, OutboxMessage
from models.org import Area, ChatGroup, Department, InviteCode, Member, RoleAssignment
from models.org.version import OrgVersion
from models.ticket import Photo, SlaStep, Ticket, TicketDepartment, TicketEvent, TicketFollower

__all__ = [
    "Area",
    "ChatGroup",
    "Conversation",
    "Department",
    "Draft",
    "InboxUpdate",
    "InviteCode",
    "Member",
    "MessageRef",
    "OrgVersion",
    "OutboxMessage",
    "Photo",
    "RoleAssignment",
    "SlaStep",
    "Ticket",
    "TicketDepartment",
    "TicketEvent",
    "TicketFollower",
]
