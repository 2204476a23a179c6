"""The demo's groups follow GRIDBOT_DEFAULT_LOCALE: an English demo has English groups."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models.org import ChatGroup
from web.webchat.demo import seed_if_empty


@pytest.mark.parametrize(("locale", "title"), [("en", "residents"), ("zh_CN", "居民群")])
async def test_demo_groups_speak_the_default_locale(sqlite_deps, locale, title):
    assert await seed_if_empty(sqlite_deps.session_factory, sqlite_deps.clock, locale)
    async with sqlite_deps.session_factory() as s:
        groups = (await s.exec(select(ChatGroup))).all()
    assert groups and {g.locale for g in groups} == {locale}
    assert all(g.title.endswith(title) for g in groups), [g.title for g in groups]
