"""Figures worked out by hand on a small fixed dataset."""
from __future__ import annotations

from datetime import date

import pytest

from fieldapp.domain.errors import ValidationError
from server.desk.figures import (
    HouseholdFacts,
    NeedFacts,
    Period,
    coverage,
    need_figures,
    prorated_quota,
)

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


def need(raised: str, deadline: str, status: str = "open", resolved: str | None = None,
         closed: str | None = None, follow_up: str | None = None,
         satisfaction: str | None = None) -> NeedFacts:
    return NeedFacts(raised, deadline, status, resolved, closed, follow_up, satisfaction)


def test_quota_whole_month_is_the_monthly_quota():
    assert prorated_quota(40, MARCH) == 40.0


def test_quota_prorated_across_two_months():
    # 16..31 Jan = 16/31 of January, 1..14 Feb 2026 = 14/28 of February
    period = Period(date(2026, 1, 16), date(2026, 2, 14))
    assert prorated_quota(31, period) == pytest.approx(31 * 16 / 31 + 31 * 14 / 28, abs=0.01)


def test_quota_zero_and_default():
    assert prorated_quota(0, MARCH) == 0.0
    assert prorated_quota(None, MARCH) == 40.0


def test_on_time_edges():
    needs = [
        need("2026-03-02T01:00:00Z", "2026-03-09", "resolved",
             resolved="2026-03-09T08:59:00Z"),  # deadline day
        need("2026-03-02T01:00:00Z", "2026-03-09", "resolved", resolved="2026-03-10T00:00:00Z"),  # day after
        need("2026-03-02T01:00:00Z", "2026-03-09", "accepted"),  # unresolved
    ]
    figures = need_figures(needs, MARCH)
    assert (figures.raised, figures.resolved, figures.resolved_on_time) == (3, 2, 1)
    assert figures.on_time_rate == 0.5
    # 7 d 7 h 59 min and 7 d 23 h -> mean 7.6455 d
    assert figures.avg_days_to_resolve == 7.65
    assert figures.closed == 0 and figures.closure_rate == 0.0


def test_cohort_is_as_of_period_end():
    needs = [
        need("2026-02-27T01:00:00Z", "2026-03-05", "closed", resolved="2026-03-01T01:00:00Z",
             closed="2026-03-02T01:00:00Z", follow_up="2026-03-02T01:00:00Z", satisfaction="satisfied"),
        need("2026-03-30T01:00:00Z", "2026-04-06", "closed", resolved="2026-04-01T01:00:00Z",
             closed="2026-04-02T01:00:00Z", follow_up="2026-04-02T01:00:00Z", satisfaction="satisfied"),
    ]
    figures = need_figures(needs, MARCH)
    # first one raised in February: not in March's cohort; second resolved after March
    assert (figures.raised, figures.resolved, figures.closed, figures.follow_ups) == (1, 0, 0, 0)
    assert figures.closure_rate == 0.0
    assert figures.on_time_rate is None and figures.avg_days_to_resolve is None


def test_satisfaction_no_follow_ups_is_none_not_full():
    figures = need_figures([need("2026-03-02T01:00:00Z", "2026-03-09")], MARCH)
    assert figures.follow_ups == 0
    assert figures.satisfaction_rate is None and figures.satisfaction_rate_strict is None


def test_satisfaction_basically_counts_lenient_only():
    base = dict(status="closed", resolved="2026-03-03T01:00:00Z", closed="2026-03-04T01:00:00Z",
                follow_up="2026-03-04T01:00:00Z")
    needs = [
        need("2026-03-02T01:00:00Z", "2026-03-09", satisfaction="satisfied", **base),
        need("2026-03-02T01:00:00Z", "2026-03-09", satisfaction="basically", **base),
        need("2026-03-02T01:00:00Z", "2026-03-09", satisfaction="not_satisfied", **base),
        need("2026-03-02T01:00:00Z", "2026-03-09"),  # still open
    ]
    figures = need_figures(needs, MARCH)
    counts = (figures.follow_ups, figures.satisfied, figures.basically_satisfied, figures.not_satisfied)
    assert counts == (3, 1, 1, 1)
    assert figures.satisfaction_rate == round(2 / 3, 4)
    assert figures.satisfaction_rate_strict == round(1 / 3, 4)
    assert figures.closed == 3 and figures.closure_rate == 0.75


def test_coverage_uses_cadence_as_of_period_end():
    community = {"cadence_days": {"living_alone": 7}, "regular_interval_days": 90}
    households = [
        HouseholdFacts("g", ("living_alone",), "2026-03-24T03:00:00Z"),  # 7 days before 31st: in
        HouseholdFacts("g", ("living_alone",), "2026-03-23T03:00:00Z"),  # 8 days: out
        HouseholdFacts("g", ("low_income",), None),  # never visited: out
        HouseholdFacts("g", (), None),  # not special: not counted
    ]
    result = coverage(households, MARCH, community)
    assert (result.special_households, result.in_cadence) == (3, 1)
    assert result.rate == round(1 / 3, 4)


def test_coverage_without_special_households():
    assert coverage([], MARCH).rate is None


def test_period_bad_input():
    with pytest.raises(ValidationError) as err:
        Period.parse("2026-03-31", "2026-03-01")
    assert err.value.code == "period_reversed"
    with pytest.raises(ValidationError):
        Period.parse("March", "2026-03-01")
    assert Period.parse("2026-03-01", "2026-03-31").days == 31
    # periods are Beijing-time days: March ends at 2026-04-01 00:00 +08:00
    assert MARCH.start_iso() == "2026-02-28T16:00:00Z"
    assert MARCH.end_iso() == "2026-03-31T16:00:00Z"
