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
