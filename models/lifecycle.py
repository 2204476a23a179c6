"""A ticket's lifecycle as a pure function: who may move it from which status to which.

Nothing here touches the database, so the whole table is testable in microseconds.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    NEW = "new"  # 受理
    TAKEN = "taken"  # 接单
    ON_SITE = "on_site"  # 到场
    RESOLVED = "resolved"  # 办结
    RATED = "rated"  # 评价
    CLOSED = "closed"
    REJECTED = "rejected"  # 不予受理
    DUPLICATE = "duplicate"
    REOPENED = "reopened"  # 返工
    WAITING = "waiting"  # 待居民配合: the SLA clock is paused, audited


class Action(StrEnum):
    TAKE = "take"
    ARRIVE = "arrive"
    RESOLVE = "resolve"
    RATE_PASS = "rate_pass"
    RATE_FAIL = "rate_fail"
    CLOSE = "close"
    REJECT = "reject"
    MARK_DUPLICATE = "mark_duplicate"
    DISPATCH = "dispatch"  # 网格吹哨、部门报到: hand to a department's liaison
    RETURN = "return"  # 退回: the department sends it back to the grid, with a reason
    PAUSE = "pause"
    RESUME = "resume"


class Capacity(StrEnum):
    """The part a person plays for one ticket, derived from their roles and the ticket."""

    STAFF = "staff"  # a worker, leader or command-centre member over the ticket's grid
    SUPERVISOR = "supervisor"  # a leader, admin or command-centre member over the grid
    HOLDER = "holder"  # the ticket's current assignee
    REPORTER = "reporter"
    SYSTEM = "system"


OPEN_STATUSES = frozenset(
    {Status.NEW, Status.TAKEN, Status.ON_SITE, Status.REOPENED, Status.WAITING}
)
FINAL_STATUSES = frozenset({Status.CLOSED, Status.REJECTED, Status.DUPLICATE})

_S, _H, _SUP, _R, _SYS = (
    Capacity.STAFF,
    Capacity.HOLDER,
    Capacity.SUPERVISOR,
    Capacity.REPORTER,
    Capacity.SYSTEM,
)

# (from, action) -> (to, who may). Resolving a NEW ticket is 即知即办: the worker fixes it on
# the spot and becomes its holder in the same step.
TRANSITIONS: dict[tuple[Status, Action], tuple[Status, frozenset[Capacity]]] = {
    (Status.NEW, Action.TAKE): (Status.TAKEN, frozenset({_S})),
    (Status.REOPENED, Action.TAKE): (Status.TAKEN, frozenset({_SUP})),
    (Status.TAKEN, Action.ARRIVE): (Status.ON_SITE, frozenset({_H, _SUP})),
    (Status.REOPENED, Action.ARRIVE): (Status.ON_SITE, frozenset({_H, _SUP})),
    (Status.NEW, Action.RESOLVE): (Status.RESOLVED, frozenset({_S})),
    (Status.TAKEN, Action.RESOLVE): (Status.RESOLVED, frozenset({_H, _SUP})),
    (Status.ON_SITE, Action.RESOLVE): (Status.RESOLVED, frozenset({_H, _SUP})),
    (Status.REOPENED, Action.RESOLVE): (Status.RESOLVED, frozenset({_H, _SUP})),
    (Status.RESOLVED, Action.RATE_PASS): (Status.RATED, frozenset({_R})),
    (Status.RESOLVED, Action.RATE_FAIL): (Status.REOPENED, frozenset({_R})),
    (Status.RATED, Action.CLOSE): (Status.CLOSED, frozenset({_SYS, _SUP})),
    (Status.RESOLVED, Action.CLOSE): (Status.CLOSED, frozenset({_SYS, _SUP})),
    (Status.NEW, Action.REJECT): (Status.REJECTED, frozenset({_S})),
    (Status.TAKEN, Action.REJECT): (Status.REJECTED, frozenset({_H, _SUP})),
    (Status.ON_SITE, Action.REJECT): (Status.REJECTED, frozenset({_H, _SUP})),
    (Status.NEW, Action.MARK_DUPLICATE): (Status.DUPLICATE, frozenset({_S})),
    (Status.NEW, Action.DISPATCH): (Status.TAKEN, frozenset({_S})),
    (Status.TAKEN, Action.DISPATCH): (Status.TAKEN, frozenset({_H, _SUP})),
    (Status.ON_SITE, Action.DISPATCH): (Status.TAKEN, frozenset({_H, _SUP})),
    (Status.REOPENED, Action.DISPATCH): (Status.TAKEN, frozenset({_H, _SUP})),
    # A liaison holding it may hand it back; it returns to NEW in the grid, reason visible.
    (Status.TAKEN, Action.RETURN): (Status.NEW, frozenset({_H})),
    (Status.ON_SITE, Action.RETURN): (Status.NEW, frozenset({_H})),
    (Status.TAKEN, Action.PAUSE): (Status.WAITING, frozenset({_H, _SUP})),
    (Status.ON_SITE, Action.PAUSE): (Status.WAITING, frozenset({_H, _SUP})),
    # A pause usually means "on site but could not get in": resuming puts it back on site.
    (Status.WAITING, Action.RESUME): (Status.ON_SITE, frozenset({_H, _SUP})),
}


class DomainError(Exception):
    """A refusal users should read: carries a locale key and its arguments, never a trace."""

    def __init__(self, key: str, **args: object) -> None:
        super().__init__(key)
        self.key = key
        self.args_ = args


class IllegalTransition(DomainError):
    pass


class NotPermitted(DomainError):
    pass


def next_status(current: Status | str, action: Action, capacities: set[Capacity]) -> Status:
    current = Status(current)
    rule = TRANSITIONS.get((current, action))
    if rule is None:
        raise IllegalTransition(
            "error-illegal-transition", status=current.value, action=action.value
        )
    target, allowed = rule
    if not (allowed & capacities):
        raise NotPermitted("error-not-permitted", action=action.value)
    return target


def allowed_actions(current: Status | str, capacities: set[Capacity]) -> list[Action]:
    current = Status(current)
    return [
        action
        for (status, action), (_to, allowed) in TRANSITIONS.items()
        if status == current and allowed & capacities
    ]
