"""Each entry of an org file checked field by field and turned into a row of models/org/spec.py.

Only what one entry can tell is checked here; how rows fit together and with the store is
models/org/rules.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from locales import SUPPORTED as LOCALES
from models.org import AreaKind, Role
from models.org.entry import Entry, OrgFileError
from models.org.spec import AreaRow, DepartmentRow, MemberRow, RoleRow

AREA_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")  # typed after /bind, so keep it plain
DEPARTMENT_CODE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
# Telegram user ids are positive; a negative number is a group's chat id, not a person.
USER_ID = {"telegram": re.compile(r"^[1-9][0-9]{0,15}$"),
           "webchat": re.compile(r"^[A-Za-z0-9_.:@-]{1,64}$")}


def _text(entry: Entry, key: str, *, required: bool = True, limit: int = 128) -> str | None:
    value = entry.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise entry.fail(None, f"missing required field '{key}' / 缺少必填字段 {key}")
        return None
    if not isinstance(value, str):
        raise entry.fail(key, f"'{key}' must be text / {key} 必须是文字")
    if len(value.strip()) > limit:
        raise entry.fail(key, f"'{key}' is longer than {limit} characters / {key} 太长")
    return value.strip()


def _unknown(entry: Entry, key: str, value: str, known: Iterable[str], zh: str) -> OrgFileError:
    return entry.fail(key, f"unknown {key} '{value}' (expected {'|'.join(known)}) / {zh}")


def _area_code(entry: Entry, key: str, required: bool = True) -> str | None:
    code = _text(entry, key, required=required, limit=64)
    if code is None:
        return None
    code = code.upper()
    if not AREA_CODE.match(code):
        raise entry.fail(key, f"area code '{code}' must be at most 32 letters, digits, - or _ "
                              "/ 区域编码只能用字母、数字、- 和 _")
    return code


def area_row(entry: Entry) -> AreaRow:
    code, name, kind = _area_code(entry, "code"), _text(entry, "name"), _text(entry, "kind")
    if kind.lower() not in set(AreaKind):
        raise _unknown(entry, "kind", kind, AreaKind, "未知的区域类型")
    return AreaRow(entry, code, name, AreaKind(kind.lower()), _area_code(entry, "parent", False))


def department_row(entry: Entry) -> DepartmentRow:
    code = _text(entry, "code").lower()
    if not DEPARTMENT_CODE.match(code):
        raise entry.fail("code", f"department code '{code}' must be lower-case letters, digits "
                                 "or _ / 部门编码格式不对")
    return DepartmentRow(entry, code, _text(entry, "name", limit=64),
                         _text(entry, "name_en", required=False, limit=64) or "")


def _role_row(entry: Entry) -> RoleRow:
    role, area = _text(entry, "role").lower(), _area_code(entry, "area")
    department = _text(entry, "department", required=False)
    if role not in set(Role):
        raise _unknown(entry, "role", role, Role, "未知角色")
    if role == Role.LIAISON and department is None:
        raise entry.fail("role", "a liaison needs a department / 联络员必须指定部门")
    if department is not None and role != Role.LIAISON:
        raise entry.fail("department", "only a liaison has a department / 只有联络员有部门")
    return RoleRow(entry, Role(role), area, department.lower() if department else None)


def member_row(entry: Entry) -> MemberRow:
    name, platform = _text(entry, "name"), _text(entry, "platform").lower()
    user_id, locale = _text(entry, "user_id", limit=64), _text(entry, "locale", required=False)
    if platform not in USER_ID:
        raise _unknown(entry, "platform", platform, USER_ID, "未知平台")
    if not USER_ID[platform].match(user_id):
        raise entry.fail("user_id", f"bad {platform} user id '{user_id}' "
                                    "(telegram: the person's numeric id) / 用户 ID 格式不对")
    if locale is not None and locale not in LOCALES:
        raise _unknown(entry, "locale", locale, LOCALES, "未知语言")
    return MemberRow(entry, name, platform, user_id, locale,
                     [_role_row(role) for role in entry.get("roles", [])])
