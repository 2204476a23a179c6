"""Which role an invite may grant at which level of the area tree, and how long a code lives.

Data, not code paths: the CLI refuses an invite that does not fit this table, so nobody is made
"worker of a whole street" (no grid's tickets would ever reach them) or "admin of one
building" (nothing there to administer).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from models.org import AreaKind, Role
from models.sla.parse import PolicyError, Reader

_ABOVE_GRID = (AreaKind.COMMUNITY, AreaKind.STREET, AreaKind.DISTRICT)

# Where each role may sit. Why each row:
# - a worker and a building head do the work of one grid / one building;
# - a leader leads a grid, and each tier above has leaders too: the escalation ladder tells
#   "each tier's leaders, admins and command centre" (handlers/supervision/escalation.py);
# - a liaison names a department and is found for a grid by looking upwards
#   (handlers/departments.py), so they sit at a community or above;
# - admins bind groups and command centres oversee: a community or above;
# - a resident needs no invite (writing in a bound group is enough), but an invite for one
#   does no harm where residents live.
ROLE_LEVELS: dict[Role, tuple[AreaKind, ...]] = {
    Role.RESIDENT: (AreaKind.GRID, AreaKind.BUILDING),
    Role.WORKER: (AreaKind.GRID,),
    Role.BUILDING_HEAD: (AreaKind.BUILDING,),
    Role.LEADER: (AreaKind.GRID, *_ABOVE_GRID),
    Role.LIAISON: _ABOVE_GRID,
    Role.ADMIN: _ABOVE_GRID,
    Role.COMMAND: _ABOVE_GRID,
}
ROLES_WITH_DEPARTMENT = {Role.LIAISON}
DEFAULT_LIFETIME = timedelta(days=7)
# A code that lived a year would be a password nobody remembers handing out.
LONGEST_LIFETIME = timedelta(days=90)


class InviteRuleError(ValueError):
    """An invite that cannot be made; the message is the one sentence the operator sees."""


def check_role_fits(role: Role, kind: str, area_code: str, has_department: bool) -> None:
    allowed = ROLE_LEVELS[role]
    if kind not in allowed:
        levels = "/".join(allowed)
        raise InviteRuleError(f"role {role} belongs at a {levels}, and {area_code} is a {kind} "
                              "/ 该角色不能设在这一级区域")
    if role in ROLES_WITH_DEPARTMENT and not has_department:
        raise InviteRuleError(f"a {role} invite needs --department / 联络员邀请必须指定部门")
    if has_department and role not in ROLES_WITH_DEPARTMENT:
        raise InviteRuleError("only a liaison has a department / 只有联络员有部门")


def parse_lifetime(text: str | None) -> timedelta:
    """`--expires 3d`, `12h`, `1d12h`; none given: 7 days."""
    if text is None:
        return DEFAULT_LIFETIME
    try:
        lifetime = Reader("--expires").duration(text, "--expires")
    except PolicyError as exc:
        raise InviteRuleError(f"--expires: {exc.problem} / 有效期格式不对") from None
    if lifetime > LONGEST_LIFETIME:
        raise InviteRuleError(f"--expires: at most {LONGEST_LIFETIME.days}d / 有效期最长90天")
    return lifetime


class InviteState(StrEnum):
    OPEN = "open"
    USED = "used"
    REVOKED = "revoked"
    EXPIRED = "expired"


def invite_state(now: datetime, used_at: datetime | None, revoked_at: datetime | None,
                 expires_at: datetime | None) -> InviteState:
    """Used beats revoked beats expired: a code someone already used stays "used" for ever.

    A code made before expiry existed (expires_at None) never expires.
    """
    if used_at is not None:
        return InviteState.USED
    if revoked_at is not None:
        return InviteState.REVOKED
    if expires_at is not None and now >= expires_at:
        return InviteState.EXPIRED
    return InviteState.OPEN
