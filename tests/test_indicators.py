"""Tests for jobbforum.services.indicators: the definitions, grouping and suppression."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobbforum.services.indicators import (
    COUNT_COLUMNS,
    GOALS,
    INDICATOR_COLUMNS,
    PERCENT_COLUMNS,
    IndicatorRow,
    PersonOutcome,
    PersonRecord,
    compute_indicators,
    evaluate,
    percentage,
)
from jobbforum.services.surveys_parse import SMALL_STEP_COLUMNS, Employment, SurveyRow

CODE = "7K3M9QXA"


def answers(code: str = CODE, **kw: Any) -> SurveyRow:
    """A response with nothing happening: no work, no steps, no interviews, unless *kw* says so."""
    values: dict[str, Any] = {
        "participant_code": code,
        "answered_on": date(2026, 1, 15),
        "employment": Employment.NONE,
        "job_changed": False,
        "job_more_relevant": False,
        "internship": False,
        "relevant_education": False,
        "interviews": 0,
        **{name: False for name in SMALL_STEP_COLUMNS},
    }
    values.update(kw)
    return SurveyRow(**values)


def outcome(baseline: dict[str, Any] | None = None, result: dict[str, Any] | None = None) -> PersonOutcome:
    evaluated = evaluate(answers(**(baseline or {})), answers(**(result or {})))
    assert evaluated is not None
    return evaluated


def steps(count: int) -> dict[str, bool]:
    return {name: True for name in SMALL_STEP_COLUMNS[:count]}


NONE, PART, FULL = Employment.NONE, Employment.PART_TIME, Employment.FULL_TIME


# --- got_work --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "got_work"),
    [
        (NONE, NONE, False),
        (NONE, PART, True),  # clause 1
        (NONE, FULL, True),  # clause 1
        (PART, FULL, True),  # clause 2
        (PART, PART, False),
        (PART, NONE, False),
        (FULL, FULL, False),
        (FULL, PART, False),
        (FULL, NONE, False),
    ],
)
def test_got_work_by_employment_change(before: Employment, after: Employment, got_work: bool) -> None:
    result = outcome({"employment": before}, {"employment": after})
    assert result.got_work is got_work
    assert result.work_or_steps is got_work
    assert result.measurable_steps is False


def test_clause_reasons_are_recorded() -> None:
    assert outcome({"employment": NONE}, {"employment": PART}).got_work_reasons == ("started_work",)
    assert outcome({"employment": PART}, {"employment": FULL}).got_work_reasons == (
        "part_time_to_full_time",
    )
    assert outcome({"employment": PART}, {"employment": FULL, "job_changed": True}).got_work_reasons == (
        "part_time_to_full_time",
        "changed_job",
    )


@pytest.mark.parametrize("employment", list(Employment))
def test_changed_job_in_the_result_survey_is_got_work_whatever_the_employment(employment: Employment) -> None:
    result = outcome({"employment": employment}, {"employment": employment, "job_changed": True})
    assert result.got_work is True
    assert result.got_work_reasons == ("changed_job",)


def test_changed_job_in_the_baseline_survey_does_not_count() -> None:
    assert outcome({"job_changed": True}, {}).got_work is False


def test_more_relevant_job_without_a_job_change_is_not_got_work() -> None:
    """job_more_relevant alone is not a clause (see the module docstring): the report's
    'to a more relevant job' presupposes a job change, which clause 3 counts already."""
    assert outcome({"employment": FULL}, {"employment": FULL, "job_more_relevant": True}).got_work is False
    with_change = outcome({"employment": FULL}, {"employment": FULL, "job_more_relevant": True, "job_changed": True})
    assert with_change.got_work is True


# --- measurable steps ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "result", "reason"),
    [
        ({}, {"internship": True}, "internship"),
        ({}, {"relevant_education": True}, "relevant_education"),
        ({"interviews": 1}, {"interviews": 3}, "more_interviews"),
        ({}, steps(5), "small_steps"),
    ],
)
def test_each_measurable_steps_clause(baseline: dict[str, Any], result: dict[str, Any], reason: str) -> None:
    person = outcome(baseline, result)
    assert person.got_work is False
    assert person.measurable_steps is True
    assert person.work_or_steps is True
    assert person.step_reasons == (reason,)


def test_no_steps_at_all() -> None:
    person = outcome({}, {})
    assert (person.got_work, person.measurable_steps, person.work_or_steps) == (False, False, False)
    assert person.step_reasons == ()


@pytest.mark.parametrize(
    ("before", "after", "counts"),
    [(0, 2, True), (3, 5, True), (0, 1, False), (4, 5, False), (5, 5, False), (6, 2, False), (0, 10, True)],
)
def test_at_least_two_more_interviews(before: int, after: int, counts: bool) -> None:
    person = outcome({"interviews": before}, {"interviews": after})
    assert person.interview_increase == after - before
    assert person.measurable_steps is counts


@pytest.mark.parametrize(("count", "counts"), [(0, False), (4, False), (5, True), (8, True)])
def test_at_least_five_of_eight_small_steps(count: int, counts: bool) -> None:
    person = outcome({}, steps(count))
    assert person.small_steps == count
    assert person.measurable_steps is counts


@pytest.mark.parametrize("step", SMALL_STEP_COLUMNS)
def test_every_small_step_counts(step: str) -> None:
    four_others = {name: True for name in SMALL_STEP_COLUMNS if name != step}
    four_others = dict(list(four_others.items())[:4])
    assert outcome({}, four_others).measurable_steps is False
    assert outcome({}, {**four_others, step: True}).measurable_steps is True


def test_steps_are_taken_from_the_result_survey_only() -> None:
    baseline_only = {"internship": True, "relevant_education": True, **steps(8)}
    assert outcome(baseline_only, {}).measurable_steps is False


def test_steps_are_not_counted_for_those_who_got_work() -> None:
    person = outcome({"employment": NONE}, {"employment": FULL, "internship": True, **steps(8)})
    assert person.got_work is True
    assert person.measurable_steps is False
    assert person.work_or_steps is True
    assert person.step_reasons == ("internship", "small_steps")  # kept for analysis


def test_network_expanded_is_the_result_answer() -> None:
    assert outcome({}, {"network_expanded": True}).network_expanded is True
    assert outcome({"network_expanded": True}, {}).network_expanded is False


def test_evaluate_needs_both_surveys() -> None:
    assert evaluate(None, answers()) is None
    assert evaluate(answers(), None) is None
    assert evaluate(None, None) is None


def test_evaluate_refuses_responses_of_different_people() -> None:
    with pytest.raises(ValueError, match="different participants"):
        evaluate(answers("AAAAAAAA"), answers("BBBBBBBB"))


# --- compute_indicators ----------------------------------------------------------------------------


def person(
    code: str,
    *,
    baseline: dict[str, Any] | None = None,
    result: dict[str, Any] | None = None,
    no_baseline: bool = False,
    no_result: bool = False,
    **groups: str,
) -> PersonRecord:
    return PersonRecord(
        participant_code=code,
        groups=groups,
        baseline=None if no_baseline else answers(code, **(baseline or {})),
        result=None if no_result else answers(code, **(result or {})),
    )


def code(i: int) -> str:
    return f"P{i:07d}"


def test_columns_and_goals() -> None:
    assert INDICATOR_COLUMNS == (
        "group", "participants", "baseline_responses", "result_responses", "n",
        "got_work", "measurable_steps", "work_or_steps", "network_expanded",
        "got_work_pct", "measurable_steps_pct", "work_or_steps_pct", "network_expanded_pct",
    )
    assert GOALS == {"work_or_steps": 90.0, "network_expanded": 80.0}


def test_counts_and_percentages_without_suppression() -> None:
    people = [
        person(code(1), result={"employment": FULL}),  # got work
        person(code(2), result={"internship": True, "network_expanded": True}),  # steps
        person(code(3), result={"network_expanded": True}),  # neither
        person(code(4), no_result=True),  # baseline only: not in n
        person(code(5), no_baseline=True, result={"employment": FULL}),  # result only: not in n
        person(code(6), no_baseline=True, no_result=True),  # no survey at all
    ]
    (row,) = compute_indicators(people, suppress_below=0)
    assert row == IndicatorRow(
        group="all", participants=6, baseline_responses=4, result_responses=4, n=3,
        got_work=1, measurable_steps=1, work_or_steps=2, network_expanded=2,
        got_work_pct=33.3, measurable_steps_pct=33.3, work_or_steps_pct=66.7, network_expanded_pct=66.7,
    )


def test_missing_result_survey_is_excluded_from_n_but_counted_in_baseline_responses() -> None:
    people = [person(code(i)) for i in range(10)] + [person(code(10 + i), no_result=True) for i in range(5)]
    (row,) = compute_indicators(people)
    assert (row.participants, row.baseline_responses, row.result_responses, row.n) == (15, 15, 10, 10)


def test_percentages_of_zero_people_are_none() -> None:
    (row,) = compute_indicators([person(code(1), no_result=True)], suppress_below=0)
    assert row.n == 0
    assert all(getattr(row, pct) is None for pct in PERCENT_COLUMNS)
    (empty,) = compute_indicators([], by="gender")
    assert empty.participants == 0 and empty.got_work_pct is None


def test_percentage_rounds_half_up_to_one_decimal() -> None:
    assert percentage(1, 16) == 6.3  # 6.25
    assert percentage(1, 3) == 33.3
    assert percentage(2, 3) == 66.7
    assert percentage(29, 100) == 29.0
    assert percentage(5, 5) == 100.0
    assert percentage(0, 0) is None


def test_grouping_sorted_with_unknown_last() -> None:
    people = (
        [person(code(i), gender="woman", result={"employment": FULL}) for i in range(6)]
        + [person(code(10 + i), gender="man") for i in range(5)]
        + [person(code(20 + i), gender=" ") for i in range(3)]
        + [person(code(30 + i)) for i in range(3)]  # no gender at all
        + [person(code(40 + i), gender="a-first") for i in range(5)]
    )
    rows = compute_indicators(people, by="gender", suppress_below=0)
    assert [(r.group, r.participants) for r in rows] == [
        ("all", 22), ("a-first", 5), ("man", 5), ("woman", 6), ("unknown", 6),
    ]
    assert rows[3].got_work == 6 and rows[3].got_work_pct == 100.0
    assert rows[0].got_work_pct == percentage(6, 22)


def test_group_values_are_trimmed() -> None:
    people = [person(code(1), county="uppsala"), person(code(2), county=" uppsala ")]
    rows = compute_indicators(people, by="county", suppress_below=0)
    assert [(r.group, r.participants) for r in rows] == [("all", 2), ("uppsala", 2)]


def test_without_by_there_is_only_the_all_row() -> None:
    rows = compute_indicators([person(code(i), gender="woman") for i in range(6)])
    assert [r.group for r in rows] == ["all"]


def test_duplicate_participant_code_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="more than once"):
        compute_indicators([person(code(1)), person(code(1))])


def test_negative_suppression_threshold_is_an_error() -> None:
    with pytest.raises(ValueError):
        compute_indicators([], suppress_below=-1)


def test_as_dict_is_in_column_order() -> None:
    (row,) = compute_indicators([person(code(i)) for i in range(5)])
    assert list(row.as_dict()) == list(INDICATOR_COLUMNS)


# --- suppression -----------------------------------------------------------------------------------


def test_small_counts_are_suppressed_zero_is_not() -> None:
    people = (
        [person(code(i), result={"employment": FULL}) for i in range(3)]  # 3 got work
        + [person(code(10 + i), result={"internship": True, "network_expanded": True}) for i in range(7)]
    )
    (row,) = compute_indicators(people)
    assert row.n == 10
    assert row.got_work is None and row.got_work_pct is None
    # work_or_steps = got_work + measurable_steps: one of the other two must go as well;
    # measurable_steps (7) is the smaller.
    assert row.measurable_steps is None and row.measurable_steps_pct is None
    assert row.work_or_steps == 10 and row.work_or_steps_pct == 100.0
    assert row.network_expanded == 7 and row.network_expanded_pct == 70.0


def test_zero_counts_are_published() -> None:
    (row,) = compute_indicators([person(code(i)) for i in range(8)])
    assert (row.got_work, row.measurable_steps, row.work_or_steps, row.network_expanded) == (0, 0, 0, 0)
    assert row.got_work_pct == 0.0


def test_exactly_k_is_published() -> None:
    people = [person(code(i), result={"employment": FULL}) for i in range(5)] + [
        person(code(10 + i)) for i in range(5)
    ]
    (row,) = compute_indicators(people, suppress_below=5)
    assert row.got_work == 5 and row.got_work_pct == 50.0
    (row,) = compute_indicators(people, suppress_below=6)
    assert row.got_work is None


def test_a_small_n_suppresses_every_outcome_including_zeros() -> None:
    people = [person(code(i)) for i in range(3)] + [person(code(10 + i), no_result=True) for i in range(10)]
    (row,) = compute_indicators(people)
    assert (row.participants, row.baseline_responses, row.result_responses) == (13, 13, None)
    assert row.n is None
    assert all(getattr(row, c) is None for c in ("got_work", "measurable_steps", "work_or_steps", "network_expanded"))
    assert all(getattr(row, pct) is None for pct in PERCENT_COLUMNS)


def test_a_suppressed_group_cannot_be_recovered_from_the_all_row() -> None:
    people = (
        [person(code(i), gender="woman", result={"network_expanded": True}) for i in range(20)]
        + [person(code(100 + i), gender="man", result={"network_expanded": True}) for i in range(6)]
        + [person(code(200 + i), gender="man") for i in range(2)]
        + [person(code(300 + i), gender="other", result={"network_expanded": True}) for i in range(9)]
    )
    rows = {r.group: r for r in compute_indicators(people, by="gender")}
    assert rows["man"].n == 8 and rows["man"].network_expanded == 6
    # network_expanded: all 35, woman 20, man 6, other 9 — nothing small.
    assert rows["all"].network_expanded == 35
    # participants etc. are all ≥ 5 too; now make "man" small:
    people = [p for p in people if not (p.groups["gender"] == "man" and p.participant_code < code(104))]
    rows = {r.group: r for r in compute_indicators(people, by="gender")}
    assert rows["man"].participants is None and rows["man"].n is None  # 4
    assert rows["man"].network_expanded is None
    # all = woman + man + other: a second cell in each of those columns is hidden — the smallest
    # positive one, here "other" (9) — so "man" is not all − woman − other.
    assert rows["other"].participants is None and rows["other"].n is None
    assert rows["other"].network_expanded is None
    assert rows["all"].participants == 33 and rows["woman"].participants == 20
    # Percentages follow their counts and n.
    assert rows["other"].network_expanded_pct is None
    assert rows["woman"].network_expanded_pct == 100.0


def test_suppression_can_be_turned_off() -> None:
    people = [person(code(1), result={"employment": FULL})]
    (row,) = compute_indicators(people, suppress_below=0)
    assert row.got_work == 1 and row.got_work_pct == 100.0
    (row,) = compute_indicators(people, suppress_below=1)
    assert row.got_work == 1


# --- properties ------------------------------------------------------------------------------------

responses = st.fixed_dictionaries(
    {
        "employment": st.sampled_from(Employment),
        "job_changed": st.booleans(),
        "job_more_relevant": st.booleans(),
        "internship": st.booleans(),
        "relevant_education": st.booleans(),
        "interviews": st.integers(0, 6),
        **{name: st.booleans() for name in SMALL_STEP_COLUMNS},
    }
)


@st.composite
def people_lists(draw: st.DrawFn) -> list[PersonRecord]:
    count = draw(st.integers(0, 40))
    records = []
    for i in range(count):
        c = code(i)
        baseline = draw(st.none() | responses)
        result = draw(st.none() | responses)
        records.append(
            PersonRecord(
                participant_code=c,
                groups=draw(st.fixed_dictionaries({}, optional={"g": st.sampled_from(["a", "b", "c", "", "d"])})),
                baseline=None if baseline is None else answers(c, **baseline),
                result=None if result is None else answers(c, **result),
            )
        )
    return records


@given(responses, responses)
def test_outcome_invariants(baseline: dict[str, Any], result: dict[str, Any]) -> None:
    person = outcome(baseline, result)
    assert not (person.got_work and person.measurable_steps)
    assert person.work_or_steps == (person.got_work or person.measurable_steps)
    assert person.got_work == bool(person.got_work_reasons)
    if not person.got_work:
        assert person.measurable_steps == bool(person.step_reasons)


@given(people_lists())
@settings(max_examples=100, deadline=None)
def test_unsuppressed_table_adds_up(people: list[PersonRecord]) -> None:
    rows = compute_indicators(people, by="g", suppress_below=0)
    total, groups = rows[0], rows[1:]
    for column in COUNT_COLUMNS:
        assert getattr(total, column) == sum(getattr(r, column) for r in groups)
    for r in rows:
        assert r.work_or_steps == r.got_work + r.measurable_steps
        assert r.participants >= r.baseline_responses >= r.n
        assert r.participants >= r.result_responses >= r.n
        for pct, count in PERCENT_COLUMNS.items():
            assert getattr(r, pct) == (None if r.n == 0 else percentage(getattr(r, count), r.n))


@given(people_lists(), st.integers(2, 8))
@settings(max_examples=200, deadline=None)
def test_suppressed_table_reveals_no_small_count(people: list[PersonRecord], k: int) -> None:
    plain = compute_indicators(people, by="g", suppress_below=0)
    rows = compute_indicators(people, by="g", suppress_below=k)
    assert [r.group for r in rows] == [r.group for r in plain]
    for shown, true in zip(rows, plain):
        for column in COUNT_COLUMNS:
            value = getattr(shown, column)
            # Published values are true values, and none is in 1..k-1.
            assert value is None or value == getattr(true, column)
            assert value is None or not 0 < value < k
        for pct, count in PERCENT_COLUMNS.items():
            if getattr(shown, count) is None or shown.n is None:
                assert getattr(shown, pct) is None
            else:
                assert getattr(shown, pct) == getattr(true, pct)
        if shown.n is None and true.n < k:
            assert shown.got_work is shown.measurable_steps is shown.work_or_steps is None
        # The row identity never has exactly one unknown.
        hidden = [getattr(shown, c) is None for c in ("got_work", "measurable_steps", "work_or_steps")]
        assert sum(hidden) != 1
    # The column identity (all = sum of groups) never has exactly one unknown.
    if len(rows) > 1:
        for column in COUNT_COLUMNS:
            assert sum(getattr(r, column) is None for r in rows) != 1
