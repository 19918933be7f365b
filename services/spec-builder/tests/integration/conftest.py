"""Real components for spec-builder: olap-lite is the Overlord, running as its own process."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def olap_lite(olap_lite_url: str) -> str:
    return olap_lite_url
