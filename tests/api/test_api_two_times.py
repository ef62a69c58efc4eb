"""What was in force on a day, and what the register knew at a time, through the API.

An arts school registered from 2019-06-03, licensed from 2024-09-01, under bank custody from
2024-09-15, suspended from 2024-11-10 (a suspension later annulled on reconsideration).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from tests.builders.bodies import SUSPENSION


def school(bureau) -> str:
    institution_id = bureau.licensed()
    bureau.supervise(institution_id, established_on="2024-09-15")
    return institution_id


def test_the_regulator_reads_what_was_in_force_on_a_day_by_effective_dates(bureau) -> None:
    institution_id = school(bureau)
    bureau.suspend(institution_id)
    path = f"/v1/institutions/{institution_id}"

    before = bureau.client.get(path, params={"as_of": "2024-11-09"}, headers=bureau.headers)
    during = bureau.client.get(path, params={"as_of": "2024-11-10"}, headers=bureau.headers)

    assert before.json()["status"] == "licensed" and before.json()["legitimate"] is True
    assert during.json()["status"] == "suspended" and during.json()["legitimate"] is False


def test_a_day_before_the_registration_is_a_404_saying_so(bureau) -> None:
    institution_id = bureau.register()

    answer = bureau.client.get(
        f"/v1/institutions/{institution_id}", params={"as_of": "2019-06-02"}, headers=bureau.headers
    )

    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "not yet in the register on 2019-06-02" in answer.json()["detail"]


def test_known_at_answers_only_what_had_been_recorded_by_then(bureau) -> None:
    institution_id = school(bureau)
    before_suspension = datetime.now(UTC)
    bureau.suspend(institution_id)
    bureau.caught_up()
    params = {"as_of": "2024-12-01", "known_at": before_suspension.isoformat()}

    regulator = bureau.client.get(
        f"/v1/institutions/{institution_id}", params=params, headers=bureau.headers
    ).json()
    public = bureau.client.get(f"/v1/public/institutions/{institution_id}", params=params).json()

    assert regulator["status"] == public["status"] == "licensed"
    assert public["legitimate"] is True


def test_known_at_before_the_registration_was_recorded_is_a_404(bureau) -> None:
    earlier = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    institution_id = bureau.register()
    bureau.caught_up()

    answer = bureau.client.get(
        f"/v1/public/institutions/{institution_id}", params={"known_at": earlier}
    )

    assert answer.status_code == 404
    assert "not yet recorded" in answer.json()["detail"]


def test_a_time_without_its_offset_is_refused(bureau) -> None:
    institution_id = bureau.register()

    answer = bureau.client.get(
        f"/v1/institutions/{institution_id}",
        params={"known_at": "2026-11-30T10:00:00"},
        headers=bureau.headers,
    )

    assert answer.status_code == 422


def test_an_annulled_suspension_leaves_valid_time_and_stays_in_the_history(bureau) -> None:
    institution_id = school(bureau)
    suspended = bureau.decide(institution_id, "suspension", SUSPENSION)
    before_annulment = datetime.now(UTC)

    annulled = bureau.decide(
        institution_id,
        "annulments",
        {
            "position": suspended["position"],
            "decision_no": "京海复〔2025〕12号",
            "reason": "行政复议决定撤销原停止招生决定",
            "annulled_on": "2025-01-20",
        },
        status=201,
    )
    bureau.caught_up()

    assert annulled["version"] == suspended["version"] + 1
    page = bureau.client.get(f"/v1/public/institutions/{institution_id}").json()
    assert page["status"] == "licensed"
    history = {change["status"]: change for change in page["status_history"]}
    assert history["suspended"]["annulled"]["decision_no"] == "京海复〔2025〕12号"
    then = bureau.client.get(
        f"/v1/public/institutions/{institution_id}",
        params={"as_of": "2024-12-01", "known_at": before_annulment.isoformat()},
    ).json()
    assert then["status"] == "suspended"
    assert then["status_history"][-1]["annulled"] is None


def test_the_registration_is_not_annulled(bureau) -> None:
    institution_id = bureau.register()
    first = bureau.events(institution_id)[0]

    with bureau.appends_nothing(institution_id):
        answer = bureau.send(
            institution_id,
            "annulments",
            {"position": first.position, "decision_no": "京海复〔2025〕1号", "reason": "—"},
        )

    assert answer.status_code == 422
    assert answer.json()["rule"] == "annulment.target"


def test_history_is_in_effective_order_with_the_day_recorded(bureau) -> None:
    institution_id = school(bureau)
    bureau.caught_up()

    page = bureau.client.get(f"/v1/public/institutions/{institution_id}").json()

    assert [c["effective_on"] for c in page["status_history"]] == ["2019-06-03", "2024-09-01"]
    assert all(c["recorded_on"] > c["effective_on"] for c in page["status_history"])


def test_the_public_page_shows_the_effective_and_the_recorded_day(bureau) -> None:
    institution_id = school(bureau)
    bureau.caught_up()

    html = bureau.client.get(f"/institutions/{institution_id}", params={"as_of": "2024-10-01"})

    assert html.status_code == 200
    assert '生效 <time datetime="2024-09-01">2024-09-01</time> · 登记' in html.text


def test_the_open_data_as_of_a_day_leaves_out_those_not_yet_registered(bureau) -> None:
    licensed = school(bureau)
    later = bureau.register(credit_code=bureau.new_credit_code(), registered_on="2025-03-01")
    bureau.caught_up()

    answer = bureau.client.get("/v1/public/institutions.csv", params={"as_of": "2024-10-01"})

    rows = list(csv.DictReader(io.StringIO(answer.text.lstrip("\ufeff"))))
    assert [r["id"] for r in rows] == [licensed]
    assert rows[0]["legitimate"] == "true"
    assert later not in answer.text
    assert "as-of-2024-10-01" in answer.headers["content-disposition"]
