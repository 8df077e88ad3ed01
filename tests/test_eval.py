"""The evaluation harness' own rules."""

from eval.answers import contains_value


def test_expected_values_must_stand_on_their_own():
    assert contains_value("实验室使用时间：10", "10")
    assert contains_value("满意度：≥90%", "90")
    assert contains_value("合计 5,397,500 元", "5,397,500")
    # a short expected number inside a longer one is no match
    assert not contains_value("起止时间：2010-01-01", "10")
    assert not contains_value("面积：10.5", "10")
    assert not contains_value("金额 1,000 元", "100")
    assert contains_value("联系人：吴凯", "吴凯")


def test_the_precedent_model_is_fitted_out_of_fold_and_separates_close_drafts():
    import random

    from eval.precedent import fit, probability

    rng = random.Random(7)
    rows = []
    for split in ("a", "b", "c"):
        for n in range(30):
            close = n % 2 == 0
            centre = (0.7, 0.93, 0.95) if close else (0.15, 0.88, 0.90)
            rows.append({"split": split, "close": close,
                         **{f: c + rng.uniform(-0.05, 0.05) * (1 if f == "closeness" else 0.2)
                            for f, c in zip(("closeness", "title_meaning", "text_meaning"), centre)}})
    fitted = fit(rows)
    chosen = next(r for r in fitted["table"] if r["probability"] == fitted["close_probability"])
    assert chosen["false_close"] == 0 and chosen["missed_close"] == 0
    assert all(probability(fitted, r) >= fitted["close_probability"] for r in rows if r["close"])
    assert all(probability(fitted, r) < fitted["close_probability"] for r in rows if not r["close"])


def test_the_agreement_floors_count_each_followed_form_once():
    from eval.precedent import agreed_table

    def row(label, probability, title_agrees, source=True, unrelated=False):
        return {"label": label, "probability": probability, "agreed": True, "title_agrees": title_agrees,
                "source": source, "unrelated": unrelated}

    rows = [row("close", 0.45, False), row("close", 0.22, True), row("close", 0.22, False),
            row("none", 0.12, True, source=False, unrelated=True),
            {**row("close", 0.9, True), "agreed": False}]
    two_way = {r["probability"]: r for r in agreed_table(rows)}
    assert two_way[0.30]["close_follow_source"] == 1 and two_way[0.20]["close_follow_source"] == 3
    with_title = {r["probability"]: r for r in agreed_table(rows, 0.30)}
    assert max(with_title) == 0.30 and with_title[0.30]["close_follow_source"] == 1
    # below the two-way floor only the draft whose title agrees is added
    assert with_title[0.20]["close_follow_source"] == 2 and with_title[0.20]["no_precedent_follow_unrelated"] == 0
    assert with_title[0.10]["no_precedent_follow_unrelated"] == 1
    # a form whose rows do not speak of the draft's work is not followed, whatever the floor
    rows[3]["speaks"] = False
    assert agreed_table(rows, 0.30)[0]["no_precedent_follow_unrelated"] == 0


def test_numbers_judged_to_belong_in_rows_are_scored_apart_from_background(index):
    from eval.suggest import score_draft

    entry = {"id": "t1", "precedent": "none",
             "draft": {"name": "2022年社区健身路径更新", "amount_yuan": 240000,
                       "description": "已建成的旧健身路径使用超过9年。今年更新健身路径12条，每条2万元，项目资金24万元。"},
             "expect": {"level2": ["数量指标"], "rows": ["健身路径"], "quantities": ["9", "12", "2", "24"],
                        "quantities_in_rows": ["12", "2", "24"]}}
    scored = score_draft(index, entry)
    assert scored["quantities_in_rows"] == 3
    # how old the old paths are is background: only the three judged numbers are asked of the table
    assert scored["quantities_in_rows_used"] == 3 and scored["quantities_in_rows_unused"] == []


def test_a_number_expected_in_a_row_must_be_one_the_description_writes(tmp_path, monkeypatch):
    import json

    import pytest

    from eval import suggest

    entry = {"id": "t2", "precedent": "none", "draft": {"name": "x", "description": "y", "amount_yuan": 1},
             "expect": {"quantities": ["3"], "quantities_in_rows": ["4"]}}
    (tmp_path / "drafts-heldout.jsonl").write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(suggest.resources, "files", lambda _: tmp_path)
    with pytest.raises(ValueError, match="quantities_in_rows"):
        suggest.load_drafts("heldout")
