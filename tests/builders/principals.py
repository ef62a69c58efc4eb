"""Who acts: the principals of the application tests, the actors the domain records, API keys.

海淀区教委 regulates the district 110108, 徐汇区教育局 the district 310104; each has a custody
bank's feed; the municipal information centre holds an admin key.
"""

from __future__ import annotations

from typing import Any

from registry.bootstrap import Services
from registry.domain.principal import Principal

Headers = dict[str, str]

HAIDIAN = Principal(id="key-hd-01", role="regulator", districts=("110108",), name="海淀区教委")
XUHUI = Principal(id="key-xh-01", role="regulator", districts=("310104",), name="徐汇区教育局")
ADMIN = Principal(id="key-admin", role="admin", name="市教委信息中心")
HAIDIAN_BANK = Principal(
    id="key-icbc-hd", role="feed", districts=("110108",), name="工商银行海淀支行资金监管接口"
)
XUHUI_BANK = Principal(
    id="key-bocom-xh", role="feed", districts=("310104",), name="交通银行徐汇支行资金监管接口"
)

# The same principals as the events record them (``Principal.as_actor``).
HAIDIAN_REGULATOR: dict[str, Any] = HAIDIAN.as_actor()
BANK_FEED: dict[str, Any] = HAIDIAN_BANK.as_actor()


def bearer(services: Services, role: str, districts: list[str], name: str) -> Headers:
    """Headers carrying a new API key of ``role`` for ``districts``."""
    _, secret = services.keys.create(role, districts, name)
    return {"Authorization": f"Bearer {secret}"}
