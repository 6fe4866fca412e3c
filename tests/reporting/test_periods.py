from datetime import date

import pytest

from reporting.periods import Period


def test_named_periods():
    today = date(2025, 5, 14)
    assert Period.named("month", today) == Period(date(2025, 5, 1), date(2025, 5, 31))
    assert Period.named("quarter", today) == Period(date(2025, 4, 1), date(2025, 6, 30))
    assert Period.named("year", today) == Period(date(2025, 1, 1), date(2025, 12, 31))
    assert Period.named("last_30_days", today) == Period(date(2025, 4, 15), today)


def test_parse_and_fixed_only():
    today = date(2025, 5, 14)
    assert Period.parse({}, today) == Period.named("quarter", today)
    assert Period.parse({"period": "month", "start": "2024-02-10"}, today) == Period.month(2024, 2)
    custom = {"period": "custom", "start": "2025-01-03", "end": "2025-02-01"}
    assert Period.parse(custom, today) == Period(date(2025, 1, 3), date(2025, 2, 1))
    assert Period.parse(custom, today, fixed_only=True) == Period.named("quarter", today)
    assert Period.parse({"period": "custom", "start": "x", "end": "2025-01-01"}, today).is_fixed


def test_is_fixed_and_quarters():
    assert Period.month(2024, 2).is_fixed and Period.quarter(2024, 4).is_fixed
    assert not Period(date(2024, 2, 1), date(2024, 3, 31)).is_fixed
    assert [p.start for p in Period.quarter(2025, 1).last_quarters()] == [
        date(2024, 4, 1),
        date(2024, 7, 1),
        date(2024, 10, 1),
        date(2025, 1, 1),
    ]
    with pytest.raises(ValueError):
        Period(date(2025, 2, 1), date(2025, 1, 1))
