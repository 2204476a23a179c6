"""Org import: YAML and CSV into the store, idempotent, and all-or-nothing with line numbers."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from sqlalchemy import func
from sqlmodel import select

import models.org.importer as org_import
from models.categories import load_categories
from models.db import make_session_factory
from models.org import Area, Department, Member, RoleAssignment
from models.org.importer import DEFAULT_DEPARTMENTS, OrgFileError, import_org

EXAMPLES = Path(__file__).resolve().parents[2] / "bot" / "examples"
TABLES = (Area, Department, Member, RoleAssignment)

ORG_YAML = dedent("""\
    areas:
      - code: shuangta
        name: 双塔区
        kind: district
        children:
          - code: ZHANNAN
            name: 站南街道
            kind: street
            children:
              - code: SIHAI
                name: 四海社区
                kind: community
                children:
                  - code: G0101
                    name: 四海社区第一网格
                    kind: grid
                    children:
                      - {code: G0101-01, name: 1号楼, kind: building}
                  - {code: G0102, name: 四海社区第二网格, kind: grid}
    departments:
      - {code: heating, name: 供暖, name_en: Heating}
      - {code: water, name: 供水}
    members:
      - name: 杨超
        platform: telegram
        user_id: 2001
        locale: zh_CN
        roles:
          - {role: worker, area: g0102}
          - {role: liaison, area: ZHANNAN, department: heating}
      - {name: 刘网格长, platform: telegram, user_id: "2002", roles: [{role: leader, area: G0101}]}
    """)

ORG_CSV = dedent("""\
    code,name,kind,parent
    ZHANQIAN,站前区,district,
    XINXING,新兴街道,street,ZHANQIAN
    NANHU,南湖社区,community,XINXING

    NH01,南湖社区第一网格,grid,NANHU
    nh02,南湖社区第二网格,grid,nanhu
    """)


def write(tmp_path: Path, text: str | bytes, name: str = "org.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def factory(any_db):
    return make_session_factory(any_db[2])


async def counts(factory) -> dict[str, int]:
    async with factory() as s:
        return {t.__name__: (await s.exec(select(func.count()).select_from(t))).one()
                for t in TABLES}


EMPTY = {t.__name__: 0 for t in TABLES}


# ---- success -----------------------------------------------------------------------------


async def test_yaml_import_counts_and_rows(factory, tmp_path):
    summary = await import_org(factory, write(tmp_path, ORG_YAML))
    assert (summary.areas.created, summary.departments.created) == (6, 2)
    assert (summary.members.created, summary.roles.created) == (2, 3)
    assert summary.warnings  # only two departments: categories route to missing ones
    assert await counts(factory) == {"Area": 6, "Department": 2, "Member": 2,
                                     "RoleAssignment": 3}
    async with factory() as s:
        areas = {a.code: a for a in (await s.exec(select(Area))).all()}
        assert areas["SHUANGTA"].parent_id is None  # codes are stored upper case
        assert areas["G0101-01"].parent_id == areas["G0101"].id
        assert areas["G0101"].parent_id == areas["SIHAI"].id
        yang = (await s.exec(select(Member).where(Member.platform_user_id == "2001"))).one()
        assert (yang.display_name, yang.locale) == ("杨超", "zh_CN")
        roles = (await s.exec(select(RoleAssignment).where(
            RoleAssignment.member_id == yang.id))).all()
        heating = (await s.exec(select(Department).where(Department.code == "heating"))).one()
        assert {(r.role, r.area_id, r.department_id) for r in roles} == {
            ("worker", areas["G0102"].id, None),
            ("liaison", areas["ZHANNAN"].id, heating.id),
        }


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["utf8", "utf8-bom"])
async def test_csv_import_with_or_without_bom(factory, tmp_path, bom):
    summary = await import_org(factory, write(tmp_path, bom + ORG_CSV.encode(), "org.csv"))
    assert summary.areas.created == 5
    assert summary.departments.created == len(DEFAULT_DEPARTMENTS)  # no departments in a CSV
    assert summary.warnings == []
    async with factory() as s:
        nh02 = (await s.exec(select(Area).where(Area.code == "NH02"))).one()
        nanhu = (await s.exec(select(Area).where(Area.code == "NANHU"))).one()
        assert (nh02.kind, nh02.parent_id) == ("grid", nanhu.id)


async def test_reimport_is_idempotent(factory, tmp_path):
    path = write(tmp_path, ORG_YAML)
    await import_org(factory, path)
    before = await counts(factory)
    again = await import_org(factory, path)
    assert await counts(factory) == before  # roles with no department are not duplicated
    for tally in (again.areas, again.departments, again.members, again.roles):
        assert (tally.created, tally.updated) == (0, 0)
    assert (again.areas.unchanged, again.roles.unchanged) == (6, 3)


async def test_reimport_updates_names_and_adds_roles(factory, tmp_path):
    await import_org(factory, write(tmp_path, ORG_YAML))
    changed = (ORG_YAML.replace("四海社区第二网格", "四海二网格")
               .replace("name: 杨超", "name: 杨超超")
               .replace("{role: worker, area: g0102}", "{role: worker, area: G0101}"))
    summary = await import_org(factory, write(tmp_path, changed, "changed.yaml"))
    assert (summary.areas.updated, summary.members.updated, summary.roles.created) == (1, 1, 1)
    async with factory() as s:
        grid = (await s.exec(select(Area).where(Area.code == "G0102"))).one()
        assert grid.name == "四海二网格"
    # Roles are only ever added: the old worker role on G0102 stays.
    assert (await counts(factory))["RoleAssignment"] == 4


async def test_defaults_when_yaml_has_no_departments_never_overwrite(factory, tmp_path):
    without = ORG_YAML.split("departments:")[0] + "members: []\n"
    first = await import_org(factory, write(tmp_path, without))
    assert first.departments.created == len(DEFAULT_DEPARTMENTS) and first.warnings == []
    async with factory() as s, s.begin():
        heating = (await s.exec(select(Department).where(Department.code == "heating"))).one()
        heating.name = "热力公司"  # a deployment's own name for it
        s.add(heating)
    await import_org(factory, write(tmp_path, without))
    async with factory() as s:
        heating = (await s.exec(select(Department).where(Department.code == "heating"))).one()
        assert heating.name == "热力公司"


def test_default_departments_cover_every_routed_category():
    routed = {c.department for c in load_categories() if c.department}
    assert routed <= {code for code, _name, _en in DEFAULT_DEPARTMENTS}


async def test_shipped_examples_import_cleanly(factory):
    summary = await import_org(factory, EXAMPLES / "org.yaml")
    assert summary.areas.created >= 15 and summary.members.created >= 5
    assert summary.warnings == []
    csv = await import_org(factory, EXAMPLES / "org.csv")  # overlaps the YAML's Yingkou tree
    assert csv.areas.updated == 0 and csv.areas.unchanged > 0


# ---- errors: the right line, and nothing imported ------------------------------------------

TREE = dedent("""\
    areas:
      - code: SHUANGTA
        name: 双塔区
        kind: district
        children:
          - code: ZHANNAN
            name: 站南街道
            kind: street
            children:
              - {code: SIHAI, name: 四海社区, kind: community}
    """)  # 10 lines; cases below append from line 11

ERRORS = [
    ("unknown-kind", "areas:\n  - code: A\n    name: a\n    kind: county\n", 4, "unknown kind"),
    ("level-skip", TREE.replace("kind: community", "kind: grid"), 10, "cannot sit directly"),
    ("level-csv", "code,name,kind,parent\nA,a,district,\nB,b,community,A\n", 3,
     "cannot sit directly"),
    ("duplicate-code", TREE + "  - {code: sihai, name: 又一个, kind: district}\n", 11,
     "duplicate area code SIHAI (first at line 10)"),
    ("duplicate-csv", "code,name,kind,parent\nA,a,district,\nB,b,district,\na,c,district,\n",
     4, "duplicate area code A"),
    ("unknown-parent", "code,name,kind,parent\nA,a,district,\nB,b,street,NOPE\n", 3,
     "unknown parent area NOPE"),
    ("unknown-parent-top", TREE + "  - {code: X, name: x, kind: street, parent: NOPE}\n", 11,
     "unknown parent area NOPE"),
    ("role-area", TREE + "members:\n  - name: 甲\n    platform: telegram\n    user_id: '1'\n"
     "    roles:\n      - {role: worker, area: G9999}\n", 16, "unknown area G9999"),
    ("role-department", TREE + "members:\n  - {name: 乙, platform: telegram, user_id: '2',\n"
     "     roles: [{role: liaison, area: ZHANNAN, department: nope}]}\n", 13,
     "unknown department nope"),
    ("role-unknown", TREE + "members:\n  - name: 丙\n    platform: telegram\n    user_id: '3'\n"
     "    roles:\n      - role: mayor\n        area: SIHAI\n", 16, "unknown role 'mayor'"),
    ("liaison-no-department", TREE + "members:\n  - name: 丁\n    platform: telegram\n"
     "    user_id: '4'\n    roles:\n      - role: liaison\n        area: SIHAI\n", 16,
     "needs a department"),
    ("user-id-text", TREE + "members:\n  - name: 戊\n    platform: telegram\n"
     "    user_id: yang_chao\n", 14, "bad telegram user id"),
    ("user-id-group", TREE + "members:\n  - {name: 己, platform: telegram, user_id: '-100123'}\n",
     12, "bad telegram user id"),
    ("platform", TREE + "members:\n  - {name: 庚, platform: wechat, user_id: '5'}\n", 12,
     "unknown platform"),
    ("missing-name", TREE + "  - code: X\n    kind: district\n", 11,
     "missing required field 'name'"),
    ("missing-csv", "code,name,kind,parent\nA,a,district,\nB,b,,A\n", 3,
     "missing required field 'kind'"),
    ("missing-user-id", TREE + "members:\n  - name: 辛\n    platform: telegram\n", 12,
     "missing required field 'user_id'"),
    ("typo-field", TREE.replace("    children:\n          - {code: SIHAI",
                                "    chidren:\n          - {code: SIHAI"),
     9, "unknown field 'chidren'"),
    ("bad-yaml", TREE + "  - {code: X, name: [unclosed\n", 12, "not valid YAML"),
    ("csv-header", "code,name,level,parent\nA,a,district,\n", 1, "missing kind"),
]


@pytest.mark.parametrize(("text", "line", "fragment"), [c[1:] for c in ERRORS],
                         ids=[c[0] for c in ERRORS])
async def test_errors_name_the_line_and_import_nothing(factory, tmp_path, text, line, fragment):
    name = "org.csv" if text.startswith("code,") else "org.yaml"
    with pytest.raises(OrgFileError) as caught:
        await import_org(factory, write(tmp_path, text, name))
    assert (caught.value.line, fragment in caught.value.message) == (line, True), caught.value
    assert await counts(factory) == EMPTY


async def test_csv_that_is_not_utf8_names_the_line(factory, tmp_path):
    data = "code,name,kind,parent\nA,双塔区,district,\nB,站南街道,street,A\n".encode("gbk")
    with pytest.raises(OrgFileError) as caught:
        await import_org(factory, write(tmp_path, data, "org.csv"))
    assert caught.value.line == 2 and "UTF-8" in caught.value.message


async def test_code_of_a_different_existing_area_is_refused(factory, tmp_path):
    await import_org(factory, write(tmp_path, ORG_YAML))
    before = await counts(factory)
    # New areas come first, so a half-done import would show; G0101 is a grid under SIHAI.
    clash = ("code,name,kind,parent\nZHANQIAN,站前区,district,\nXINXING,新兴街道,street,ZHANQIAN\n"
             "NANHU,南湖社区,community,XINXING\nG0101,南湖一网格,grid,NANHU\n")
    with pytest.raises(OrgFileError) as caught:
        await import_org(factory, write(tmp_path, clash, "clash.csv"))
    assert caught.value.line == 5 and "already used by another area" in caught.value.message
    retyped = "code,name,kind,parent\nSIHAI,四海社区,street,\n"
    with pytest.raises(OrgFileError, match="already used"):
        await import_org(factory, write(tmp_path, retyped, "retyped.csv"))
    assert await counts(factory) == before


async def test_same_place_without_parent_keeps_an_existing_area(factory, tmp_path):
    await import_org(factory, write(tmp_path, ORG_YAML))
    subtree = "code,name,kind,parent\nSIHAI,四海社区,community,\nG0103,第三网格,grid,SIHAI\n"
    summary = await import_org(factory, write(tmp_path, subtree, "subtree.csv"))
    assert (summary.areas.created, summary.areas.unchanged) == (1, 1)


async def test_a_failure_while_writing_rolls_everything_back(factory, tmp_path, monkeypatch):
    async def boom(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(org_import, "_write_member", boom)  # after areas and departments
    with pytest.raises(RuntimeError, match="disk full"):
        await import_org(factory, write(tmp_path, ORG_YAML))
    assert await counts(factory) == EMPTY


async def test_unknown_suffix_is_refused(factory, tmp_path):
    with pytest.raises(OrgFileError) as caught:
        await import_org(factory, write(tmp_path, ORG_YAML, "org.xlsx"))
    assert caught.value.line is None and ".csv" in caught.value.message
