"""The domain tests' givens: institutions built through their own commands (``Given``)."""

from __future__ import annotations

import pytest

from tests.builders.given import Given


@pytest.fixture
def given() -> Given:
    return Given()
