"""Masking personal data (models.privacy) and fitting texts into Telegram's limits, table-driven."""

from __future__ import annotations

import pytest

from models.message_limits import TEXT_LIMIT, shorten, split_lines
from models.privacy import mask_contacts, mask_personal

CONTACTS = [
    ("我家电话13812345678", "我家电话***"),
    ("手机 138-1234-5678 找我", "手机 *** 找我"),
    ("手机 138 1234 5678", "手机 ***"),
    ("+86 13812345678", "***"),
    ("座机0421-2345678", "座机***"),
    ("座机 010-12345678", "座机 ***"),
    ("（0421）2345678", "***"),
    ("(0421)2345678", "***"),
    ("家里 2345678", "家里 ***"),
    ("身份证210102198001011234", "身份证***"),
    ("身份证 21010219800101123X 号", "身份证 *** 号"),
    # Not personal data: left alone.
    ("3号楼楼道声控灯不亮", "3号楼楼道声控灯不亮"),
    ("等了 2 小时，共 30 户", "等了 2 小时，共 30 户"),
    ("2026年11月23日", "2026年11月23日"),
    ("G0102-0001", "G0102-0001"),
]

ROOMS = [
    ("住四海小区3号楼2单元301室", "住四海小区3号楼2单元***"),
    ("3号楼2单元301漏水", "3号楼2单元***漏水"),
    ("1202房 楼上漏水", "*** 楼上漏水"),
    ("501号房", "***"),
    ("门牌号 18 号", "***"),
    ("3号楼楼道声控灯不亮", "3号楼楼道声控灯不亮"),
]


@pytest.mark.parametrize(("text", "masked"), CONTACTS)
def test_contacts_are_masked(text, masked):
    assert mask_contacts(text) == masked
    assert mask_personal(text) == masked  # the stronger mask includes the weaker


@pytest.mark.parametrize(("text", "masked"), ROOMS)
def test_rooms_are_masked_only_by_the_stronger_mask(text, masked):
    assert mask_personal(text) == masked


def test_contacts_mask_keeps_the_room_a_resident_said_in_the_group():
    assert mask_contacts("3号楼2单元301室 电话13812345678") == "3号楼2单元301室 电话***"


def test_the_issue_sentence():
    text = "我家电话13812345678，住四海小区3号楼2单元301室，楼道灯不亮"
    assert mask_personal(text) == "我家电话***，住四海小区3号楼2单元***，楼道灯不亮"


@pytest.mark.parametrize(("text", "limit", "expected"), [
    ("abc", 3, "abc"), ("abcd", 3, "ab…"), ("", 5, ""),
])
def test_shorten(text, limit, expected):
    assert shorten(text, limit) == expected


def test_split_lines_keeps_every_chunk_within_the_limit():
    lines = ["x" * 3000, "y" * 3000, "z" * 5000, "short"]
    chunks = split_lines(lines)
    assert all(len(c) <= TEXT_LIMIT for c in chunks)
    assert chunks[0] == "x" * 3000 and chunks[1] == "y" * 3000
    assert chunks[2].endswith("…") and chunks[3] == "short"
