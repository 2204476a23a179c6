"""A small, realistic org for tests: 双塔区 → 站南街道 → 四海社区 → two grids, with people."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.context import Deps
from handlers.events import ButtonPress, Location, MessageIn, PhotoRef, User
from models.org import Area, ChatGroup, Department, Member, RoleAssignment

PLATFORM = "telegram"


@dataclass
class Person:
    member_id: int
    user: User
    private_chat: str


@dataclass
class World:
    grid_id: int
    other_grid_id: int
    group_chat: str
    other_group_chat: str
    resident: Person
    neighbour: Person
    worker: Person
    leader: Person
    other_worker: Person
    admin: Person
    liaison: Person
    heating_id: int


async def build_world(deps: Deps, *, started: bool = True, platform: str = PLATFORM) -> World:
    """`started`: whether staff and residents have opened a private chat with the bot."""
    async with deps.session_factory() as s, s.begin():
        now = deps.clock.now()
        district = Area(code="SHUANGTA", name="双塔区", kind="district")
        s.add(district)
        await s.flush()
        street = Area(code="ZHANNAN", name="站南街道", kind="street", parent_id=district.id)
        s.add(street)
        await s.flush()
        community = Area(code="SIHAI", name="四海社区", kind="community", parent_id=street.id)
        s.add(community)
        await s.flush()
        grid = Area(code="G0102", name="四海社区第二网格", kind="grid", parent_id=community.id)
        other = Area(code="G0103", name="四海社区第三网格", kind="grid", parent_id=community.id)
        heating = Department(code="heating", name="供暖", name_en="Heating")
        s.add_all([grid, other, heating])
        await s.flush()

        people = {}
        spec = [
            ("resident", "1001", "王阿姨", "resident", grid.id, None),
            ("neighbour", "1002", "李大爷", "resident", grid.id, None),
            ("worker", "2001", "杨超", "worker", grid.id, None),
            ("leader", "2002", "刘网格长", "leader", grid.id, None),
            ("other_worker", "2003", "赵三网格", "worker", other.id, None),
            ("admin", "3001", "社区管理员", "admin", community.id, None),
            ("liaison", "4001", "王联络员", "liaison", street.id, heating.id),
        ]
        for key, uid, name, role, area_id, dept in spec:
            member = Member(platform=platform, platform_user_id=uid, display_name=name,
                            locale="zh_CN", private_chat_id=uid if started else None,
                            created_at=now)
            s.add(member)
            await s.flush()
            s.add(RoleAssignment(member_id=member.id, role=role, area_id=area_id,
                                 department_id=dept))
            people[key] = Person(member.id, User(uid, name, "zh-hans"), uid)
        s.add(ChatGroup(platform=platform, chat_id="-100102", area_id=grid.id,
                        title="四海二网格群", bound_at=now))
        s.add(ChatGroup(platform=platform, chat_id="-100103", area_id=other.id,
                        title="四海三网格群", bound_at=now))
        return World(grid.id, other.id, "-100102", "-100103", heating_id=heating.id, **people)


class Script:
    """Builds inbound events with unique update keys, the way an adapter would."""

    def __init__(self) -> None:
        self._n = 0

    def _key(self) -> str:
        self._n += 1
        return f"u{self._n}"

    def text(self, person: Person, chat: str, text: str, **kw) -> MessageIn:
        key = self._key()
        kind = "private" if chat == person.private_chat else "group"
        return MessageIn(PLATFORM, key, chat, kind, person.user, f"m{key}", text, **kw)

    def photo(self, person: Person, chat: str, caption: str = "", uid: str = "p1", **kw):
        return self.text(person, chat, caption,
                         photos=(PhotoRef(f"file-{uid}", uid, 1280, 960),), **kw)

    def location(self, person: Person, chat: str, lat: float, lon: float) -> MessageIn:
        return self.text(person, chat, "", location=Location(lat, lon))

    def press(self, person: Person, chat: str, data: str, message_id: str = "m0") -> ButtonPress:
        key = self._key()
        kind = "private" if chat == person.private_chat else "group"
        return ButtonPress(PLATFORM, key, chat, kind, person.user, f"cb{key}", message_id, data)
