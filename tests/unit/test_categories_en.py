"""English reports are categorised as well as Chinese ones (GRIDBOT_DEFAULT_LOCALE=en)."""

from __future__ import annotations

import re

import pytest

from models.categories import guess_category, load_categories

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(("text", "code"), [
    ("The building next door is on fire!", "emergency"),
    ("Someone is stuck in the lift on floor 5", "emergency"),
    ("An old man fainted in the stairwell", "emergency"),
    ("Strong smell of gas in unit 3", "gas"),
    ("The radiator in flat 502 is not warm", "heating"),
    ("The sewer is backing up in the courtyard", "drainage"),
    ("The manhole by the north gate is open", "manhole"),
    ("The stairwell light in building 3 is broken", "lighting"),
    ("Lights are out on the path to building 2", "lighting"),
    ("Someone dumped rubbish by the gate", "sanitation"),
    ("Drilling upstairs every night at 11", "noise"),
    ("Two neighbours arguing about the corridor", "dispute"),
    ("A car blocking the road to the school", "parking"),
])
def test_english_reports_find_their_category(text, code):
    guessed = guess_category(text)
    assert guessed is not None and guessed.code == code, (text, guessed)


def test_every_category_has_as_many_english_keywords_as_chinese():
    for category in load_categories():
        chinese = [k for k in category.keywords if CJK.search(k)]
        english = [k for k in category.keywords if not CJK.search(k)]
        assert len(english) >= len(chinese), (category.code, chinese, english)
