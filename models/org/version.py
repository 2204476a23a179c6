"""One number that changes whenever the cached part of the org changes.

The handlers keep the area tree and the bound groups in memory (handlers/org_cache.py), and
each transaction that uses them first reads this number: one primary-key read instead of a
query per area and group, and exact across several worker processes, since every process
sees the same row. The number is bumped by database triggers, not by our code, so every
writer is covered: `/bind`, `gridbot org import`, the demo seed, a test, an admin's SQL.
Role assignments are not cached (a resident gains one on her first message), so they need
no trigger.
"""

from __future__ import annotations

from sqlalchemy import DDL, event
from sqlmodel import Field, SQLModel

# Which changes make the cache wrong: any row of chat_group; an area's identity or place in
# the tree, but not its ticket counter (bumped by every report).
AREA_COLUMNS = "code, name, kind, parent_id"

SQLITE_TRIGGERS = [
    f"CREATE TRIGGER org_version_{table}_{op.split()[0].lower()} AFTER {op} ON {table} "
    "BEGIN UPDATE org_version SET version = version + 1; END"
    for table, ops in (("area", ("INSERT", "DELETE", f"UPDATE OF {AREA_COLUMNS}")),
                       ("chat_group", ("INSERT", "DELETE", "UPDATE")))
    for op in ops
]
POSTGRES_TRIGGERS = [
    "CREATE FUNCTION org_version_bump() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN UPDATE org_version SET version = version + 1; RETURN NULL; END $$",
    "CREATE TRIGGER org_version_area AFTER INSERT OR DELETE OR UPDATE OF "
    f"{AREA_COLUMNS} ON area FOR EACH STATEMENT EXECUTE FUNCTION org_version_bump()",
    "CREATE TRIGGER org_version_chat_group AFTER INSERT OR DELETE OR UPDATE ON chat_group "
    "FOR EACH STATEMENT EXECUTE FUNCTION org_version_bump()",
]
DROP_SQLITE = [f"DROP TRIGGER IF EXISTS {s.split()[2]}" for s in SQLITE_TRIGGERS]
DROP_POSTGRES = ["DROP TRIGGER IF EXISTS org_version_area ON area",
                 "DROP TRIGGER IF EXISTS org_version_chat_group ON chat_group",
                 "DROP FUNCTION IF EXISTS org_version_bump()"]
SEED = "INSERT INTO org_version (id, version) VALUES (1, 0)"


class OrgVersion(SQLModel, table=True):
    __tablename__ = "org_version"
    id: int | None = Field(default=None, primary_key=True)
    version: int = 0


def triggers_for(dialect: str) -> list[str]:
    return POSTGRES_TRIGGERS if dialect == "postgresql" else SQLITE_TRIGGERS


def _after_create_all(_metadata, connection, **_kw) -> None:
    """`create_all` (the tests' schema) gets what the migration creates: the row, the triggers."""
    connection.execute(DDL(SEED))
    for statement in triggers_for(connection.dialect.name):
        connection.execute(DDL(statement))


event.listen(SQLModel.metadata, "after_create", _after_create_all)
