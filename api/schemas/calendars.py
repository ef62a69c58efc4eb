"""School calendar files (``POST /v1/admin/calendars``) and the calendars recorded.

The body is the calendar file itself (docs/domain.md §3); pydantic checks its shape and that
its dates are dates, the registry checks the rules (``calendar.dates``, ``calendar.province``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import PRINTABLE
from registry.domain.calendar_data import FORMAT

Source = Annotated[str, Field(min_length=1, max_length=2000, pattern=PRINTABLE)]
Name = Annotated[str, Field(min_length=1, max_length=100, pattern=PRINTABLE)]
Year = Annotated[int, Field(strict=True, ge=2000, le=2100)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DayOff(_Strict):
    name: Name = Field(description="the festival, e.g. 春节")
    start: date
    end: date


class HolidayYear(_Strict):
    year: Year
    provenance: Literal["published", "provisional"]
    source: Source
    days_off: list[DayOff] = Field(default_factory=list, max_length=50)
    workdays: list[date] = Field(
        default_factory=list, max_length=50, description="make-up working days (调休上班)"
    )


class VacationPeriod(_Strict):
    kind: Literal["winter", "summer"]
    start: date
    end: date


class ProvinceVacations(_Strict):
    province: str = Field(
        pattern=r"^\d{2}$", description="two-digit GB/T 2260 code, e.g. 44 (广东省)"
    )
    year: Year
    provenance: Literal["published", "default"]
    source: Source
    periods: list[VacationPeriod] = Field(default_factory=list, max_length=10)


class CalendarFileBody(_Strict):
    """A calendar file: entries replace those of the same year (or province and year)."""

    format: Literal["registry.school-calendars/1"] = Field(description=f"always {FORMAT}")
    note: Source | None = None
    holidays: list[HolidayYear] = Field(default_factory=list, max_length=200)
    vacations: list[ProvinceVacations] = Field(default_factory=list, max_length=2000)


class CalendarLoadAnswer(BaseModel):
    changed: list[str] = Field(description="entries recorded anew, e.g. 'vacations 44/2026'")
    unchanged: int = Field(description="entries of the file already recorded as they are")
    position: int | None = Field(description="log position of the change; null if none")


class HolidayYearRecorded(BaseModel):
    year: int
    provenance: str
    source: str
    days_off: list[DayOff]
    workdays: list[date]


class ProvinceVacationsRecorded(BaseModel):
    province: str
    province_name: str
    year: int
    provenance: str
    source: str
    periods: list[VacationPeriod]


class ProvinceCalendar(BaseModel):
    """One province's recorded calendar of one year, as lessons there are judged."""

    province: str
    province_name: str
    year: int
    holidays: HolidayYearRecorded | None
    vacations: ProvinceVacationsRecorded | None
