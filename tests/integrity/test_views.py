"""`registry verify --views`: the read models are replayed from the log into a scratch copy, and
a row changed in the tables behind the projector's back is named."""

from __future__ import annotations

from sqlalchemy import text

from registry.bootstrap import Services
from registry.verification import verify


def test_read_models_that_match_a_replay_of_the_log_verify(logged: Services) -> None:
    logged.projector.run_once()
    result = verify(logged, views=True)
    assert result.ok, result.lines()
    assert result.views_checked and result.views_checked > 50
    assert result.lines()[1].endswith("read model rows match a replay of the log")


def test_a_public_register_row_changed_by_sql_is_named(logged: Services) -> None:
    logged.projector.run_once()
    with logged.engine.begin() as conn:
        changed = conn.execute(text("SELECT id FROM pub_institutions ORDER BY id LIMIT 1")).scalar()
        conn.execute(
            text("UPDATE pub_institutions SET status = 'registered', name = :n WHERE id = :id"),
            {"n": "改过的名称", "id": changed},
        )
    result = verify(logged, views=True)
    assert not result.ok
    assert result.chain.ok  # the log itself is untouched
    problem = result.views_problem or ""
    assert problem.startswith("public_register: table pub_institutions")
    assert str(changed) in problem and "改过的名称" in problem


def test_read_models_behind_the_log_are_compared_at_their_own_position(
    logged: Services,
) -> None:
    from registry.demo.generate import generate

    logged.projector.run_once()
    generate(logged.registry, 30, seed=5)  # not projected yet
    result = verify(logged, views=True)
    assert result.ok, result.lines()
