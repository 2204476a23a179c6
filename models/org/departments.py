"""The departments routing needs: the defaults an import adds, and a warning for any gap."""

from __future__ import annotations

from models.categories import load_categories
from models.org.spec import DepartmentRow

# The codes must cover every `department:` in categories.yaml, or routing finds no one to
# hand a ticket to (a test checks this).
DEFAULT_DEPARTMENTS = (
    ("heating", "供暖", "Heating"),
    ("water", "供水", "Water"),
    ("gas", "燃气", "Gas"),
    ("power", "供电", "Power"),
    ("property", "物业", "Property management"),
    ("sanitation", "环卫", "Sanitation"),
    ("enforcement", "城管执法", "City management enforcement"),
    ("housing", "住建", "Housing and construction"),
    ("civil_affairs", "民政", "Civil affairs"),
    ("police", "派出所", "Police station"),
    ("medical", "医疗", "Medical services"),
    ("petitions", "信访", "Petitions"),
)


def default_departments() -> list[DepartmentRow]:
    return [DepartmentRow(None, code, name, name_en) for code, name, name_en in DEFAULT_DEPARTMENTS]


def unrouted_warnings(stored: set[str]) -> list[str]:
    """One warning per department categories.yaml routes to that is not in the store."""
    routed = {c.department for c in load_categories() if c.department}
    return [f"categories.yaml routes to department '{code}', which is not in the "
            f"store / 部门 {code} 不存在，该类问题无法分派"
            for code in sorted(routed - stored)]
