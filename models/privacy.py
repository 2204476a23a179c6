"""Masking personal data before a report's words are shown in a group.

Pure functions, no I/O. Two strengths:
- `mask_contacts`: phone numbers (mainland mobile, landline) and 18-digit ID numbers. Applied
  to everything the bot repeats in a group: a resident may say her number in the group
  herself, but the bot never repeats it there.
- `mask_personal`: contacts plus door and room numbers ("2单元301室" → "2单元***"). Applied to
  privately reported tickets, whose words the resident never meant for her neighbours. The
  building ("3号楼") and unit stay: the grid worker needs them, and they name no household.
"""

from __future__ import annotations

import re

MASK = "***"

# Order matters: an 18-digit ID contains runs that look like phone numbers.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{6}(?:19|20)\d{2}\d{7}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?!\d)")
# 0421-2345678, (0421)2345678, 010 12345678, and a bare local 7- or 8-digit number.
_LANDLINE = re.compile(
    r"(?<!\d)(?:(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3})[-\s]?\d{7,8}|[2-8]\d{6,7})(?!\d)"
)
_CONTACTS = (_ID_NUMBER, _MOBILE, _LANDLINE)

# 301室, 1202房, 501号房, 302户 (three digits or more: "30 户" counts households); and the
# number right after 单元 even without 室 ("2单元301").
_ROOM = re.compile(r"\d{3,5}\s*(?:室|号房|房间|房|户)")
_AFTER_UNIT = re.compile(r"(?<=单元)\s*\d{2,5}(?:\s*号)?")
_DOOR = re.compile(r"门牌号?\s*\d+\s*号?")
_ROOMS = (_ROOM, _AFTER_UNIT, _DOOR)


def mask_contacts(text: str) -> str:
    """Phone and ID numbers replaced by ***."""
    for pattern in _CONTACTS:
        text = pattern.sub(MASK, text)
    return text


def mask_personal(text: str) -> str:
    """Contacts, door and room numbers replaced by ***."""
    text = mask_contacts(text)
    for pattern in _ROOMS:
        text = pattern.sub(MASK, text)
    return text


def public_text(text: str, *, private_report: bool) -> str:
    """A report's words as anyone but staff may see them: a private report masked fully, a
    group report only its phone and ID numbers (its room number the resident said there)."""
    return mask_personal(text) if private_report else mask_contacts(text)
