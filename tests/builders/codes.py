"""Unified social credit codes (统一社会信用代码, GB 32100-2015) of the institutions the tests use.

The 18th character is the check character of the first seventeen; ``credit_code`` adds it.
Companies (企业) start ``91``, private non-enterprise units (民办非企业单位) ``52``; the six
digits after are the registering district.
"""

from __future__ import annotations

from registry.domain.uscc import check_character


def credit_code(first17: str) -> str:
    """A valid code: the first seventeen characters and the check character they imply."""
    return first17 + check_character(first17)


# 北京思远教育科技有限公司, an arts school (非学科类) company registered in 海淀区.
SIYUAN_CODE = "91110108551385082Q"
# 北京市海淀区七彩虹艺术培训学校有限公司, an arts school company of 海淀区.
ARTS_COMPANY_CODE = credit_code("91110108MA01C8PX3")
# An online company of 海淀区.
ONLINE_COMPANY_CODE = credit_code("91110108MA04R7KL2")
# An academic (学科类) company of 海淀区, licensed before 双减 and due to convert (营转非).
ACADEMIC_COMPANY_CODE = credit_code("91110108MA00G3N51")
# Its non-profit successor (民办非企业单位) in 海淀区.
SUCCESSOR_CODE = credit_code("52110108MJ0000579")
# Another company and a non-profit of 海淀区, for the licensing rules on legal form.
OTHER_COMPANY_CODE = credit_code("91110108MA05T2QW8")
NON_PROFIT_CODE = credit_code("52110108MJ0000714")
# A for-profit arts company of 海淀区, put forward as a conversion's successor.
ARTS_SUCCESSOR_CODE = credit_code("91110108MA07H6UY2")
# A company of 徐汇区, Shanghai (the API's dance school).
XUHUI_CODE = credit_code("91310104MA1FL5XW3")
# Another company of 徐汇区 (the application's sports school).
XUHUI_SPORTS_CODE = credit_code("91310104MA1FR5KQ0")
