"""Several `gridbot run` processes on one PostgreSQL and one Redis (issue 9, "workers")."""

from tests.e2e.conftest import emu  # noqa: F401 - the same Bot API emulator fixture
