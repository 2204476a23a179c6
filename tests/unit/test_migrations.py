"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from models.migrate import alembic_config
from tests.support.db import fresh_database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def empty_db(request, tmp_path):
    url, engine, cleanup = await fresh_database(request.param, tmp_path, create_schema=False)
    yield url, engine
    await engine.dispose()
    if cleanup:
        await cleanup()


def _upgrade_and_diff(connection, url):
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, SQLModel.metadata)


# SQLite cannot reflect expression indexes; the PostgreSQL run compares that one.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
async def test_migrations_match_the_models(empty_db):
    url, engine = empty_db
    async with engine.begin() as conn:
        diff = await conn.run_sync(_upgrade_and_diff, url)
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


async def test_downgrade_to_base_removes_everything(empty_db):
    url, engine = empty_db

    def cycle(connection):
        config = alembic_config(url)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        command.downgrade(config, "base")
        return sorted(SQLModel.metadata.tables) and connection.dialect.get_table_names(connection)

    async with engine.begin() as conn:
        left = await conn.run_sync(cycle)
    assert set(left) <= {"alembic_version"}
