"""A batch renders a daily report's placed arguments from a template made once: the text is
the very one Fluent gives, in both locales, and a message that selects on an argument is
never templated."""

from __future__ import annotations

import pytest

from handlers.context import Ctx
from handlers.run_ctx import RunCtx, placed


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
async def test_placed_texts_are_the_catalogs_texts(deps, locale):
    async with deps.session_factory() as session:
        plain = Ctx(session=session, deps=deps, platform="telegram")
        batch = RunCtx(session=session, deps=deps, platform="telegram")
        for name in ("第1网格", "G0102 & {x}", ""):
            for key, args in (("digest-day-title", dict(area=name, date="11-02", cut="18:00")),
                              ("digest-day-holder", dict(name=name, numbers="T1、T2")),
                              ("digest-day-empty", dict(area=name, date="11-02"))):
                assert placed(batch, locale, key, **args) == plain.tr(locale, key, **args)
        assert batch.memo["placed"], "the batch kept its templates"


async def test_a_selecting_message_is_rendered_as_usual(deps):
    """rating-N style keys are not placed-only; a marker that does not come out once falls
    back to Fluent (here: a message without the argument at all)."""
    async with deps.session_factory() as session:
        batch = RunCtx(session=session, deps=deps, platform="telegram")
        text = placed(batch, "zh_CN", "digest-day-holders", name="x")
        assert text == batch.tr("zh_CN", "digest-day-holders")
        assert batch.memo["placed"][("zh_CN", "digest-day-holders", ("name",))] is None
