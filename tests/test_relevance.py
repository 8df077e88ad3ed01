"""The "相关度低" cue: its data file is validated, and the fitted threshold tells a query with a
matching project from one with none."""

from __future__ import annotations

import json

import pytest

from app.relevance import Relevance, applies_to, closeness_by_project, relevance


def test_the_data_file_is_valid_and_fitted_for_the_default_model(index):
    params = relevance()
    assert params.min_closeness > 0 and params.gap_scale > 0 and params.bm25_scale > 0
    assert applies_to(index)
    # the numbers behind the threshold travel with it
    assert params.calibration["positives"] > 0 and params.calibration["negatives"] > 0


@pytest.mark.parametrize("bad", [
    {"model": "e5-small", "gap_scale": 0.06, "bm25_scale": 11, "min_closeness": -1, "calibration": {}},
    {"model": "e5-small", "gap_scale": 2, "bm25_scale": 11, "min_closeness": 1.4, "calibration": {}},
    {"model": "e5-small", "gap_scale": 0.06, "bm25_scale": 11, "min_closeness": 1.4, "calibration": {}, "extra": 1},
])
def test_a_bad_data_file_is_refused(bad):
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Relevance.model_validate(json.loads(json.dumps(bad)))


def test_a_project_that_matches_is_close_and_an_unrelated_query_is_not(index):
    cut = relevance().min_closeness
    close = closeness_by_project(index, "计量测试所用于强制检定业务的经费")
    best = max(close, key=close.get)
    assert index.by_code[best].name == "计量业务专项经费" and close[best] >= cut
    for query in ("执法记录仪", "后天会不会下雨", "无人机航拍测绘"):
        assert max(closeness_by_project(index, query).values()) < cut, query


def test_an_empty_query_has_no_closeness(index):
    assert closeness_by_project(index, "   ") == {}
