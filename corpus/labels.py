"""The one place where the form's Chinese labels map to record field names.

Everything that reads the printed form (parser) or talks about fields to users
(answering, drafting, the page) takes its vocabulary from here.
"""

from __future__ import annotations

from corpus.text import squash

# Metadata and long-text labels as printed in the left column of the form,
# keyed by their whitespace-free text.
FIELD_LABELS: dict[str, str] = {
    "项目名称": "name",
    "项目分类": "category",
    "项目编号": "code",
    "主管部门": "department",
    "主管部门编号": "department_code",
    "项目实施单位": "unit",
    "项目联系人": "contact",
    "联系电话": "phone",
    "项目类型": "project_type",
    "项目起止时间": "dates",
    "项目金额(元)": "amount_yuan",
    "项目金额（元）": "amount_yuan",
    "测算依据及说明": "basis",
    "项目概况、主要内容及用途": "overview",
    "项目立项依据": "legal_basis",
    "项目申报的可行性和必要性": "feasibility",
    "其他说明的问题": "remarks",
}

# Labels that only group other cells; they carry no value of their own.
GROUP_LABELS = frozenset({"项目立项情况", "填报单位：（盖章）"})

# The schedule label is sometimes split over two lines ("项目实施进度计" / "划").
SCHEDULE_LABELS = frozenset({"项目实施进度计划", "项目实施进度计", "划"})
SCHEDULE_HEADER = frozenset({"项目实施内容", "开始时间", "余额", "金额"})

GOAL_LABEL = "项目绩效目标"
GOAL_LONGTERM = "中(长)期目标"
GOAL_ANNUAL = "年度目标"

# Human names of record fields, used when citing "the field it came from".
FIELD_NAMES_ZH: dict[str, str] = {
    "seq": "序号",
    "year": "年度",
    "section": "科室",
    "name": "项目名称",
    "code": "项目编号",
    "category": "项目分类",
    "department": "主管部门",
    "department_code": "主管部门编号",
    "unit": "项目实施单位",
    "contact": "项目联系人",
    "phone": "联系电话",
    "project_type": "项目类型",
    "start_date": "项目起止时间",
    "end_date": "项目起止时间",
    "amount_yuan": "项目金额(元)",
    "basis": "测算依据及说明",
    "overview": "项目概况、主要内容及用途",
    "legal_basis": "项目立项依据",
    "feasibility": "项目申报的可行性和必要性",
    "schedule": "项目实施进度计划",
    "goal_longterm": "中(长)期目标",
    "goal_annual": "年度目标",
    "indicators": "绩效指标",
    "remarks": "其他说明的问题",
}

# The performance-indicator framework (财预〔2020〕10号): each 二级 belongs to one 一级.
LEVEL1_OUTPUT = "产出指标"
LEVEL1_BENEFIT = "效益指标"
LEVEL1_SATISFACTION = "满意度指标"
LEVEL1_ORDER = (LEVEL1_OUTPUT, LEVEL1_BENEFIT, LEVEL1_SATISFACTION)

LEVEL2_TO_LEVEL1: dict[str, str] = {
    "数量指标": LEVEL1_OUTPUT,
    "质量指标": LEVEL1_OUTPUT,
    "时效指标": LEVEL1_OUTPUT,
    "成本指标": LEVEL1_OUTPUT,
    "经济效益指标": LEVEL1_BENEFIT,
    "社会效益指标": LEVEL1_BENEFIT,
    "生态效益指标": LEVEL1_BENEFIT,
    "可持续影响指标": LEVEL1_BENEFIT,
    "服务对象满意度指标": LEVEL1_SATISFACTION,
}
LEVEL2_ORDER = tuple(LEVEL2_TO_LEVEL1)

# Keywords that identify a printed 二级 label even when it is garbled
# ("可持续性影响指标", "社会社会效益指标", "具体指标" under 满意度).
LEVEL2_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("数量", "数量指标"),
    ("质量", "质量指标"),
    ("时效", "时效指标"),
    ("成本", "成本指标"),
    ("经济效益", "经济效益指标"),
    ("社会效益", "社会效益指标"),
    ("生态效益", "生态效益指标"),
    ("可持续", "可持续影响指标"),
    ("满意度", "服务对象满意度指标"),
    ("具体", "服务对象满意度指标"),
)

# Printed 一级 labels (and their variants) and the frame column's labels.
LEVEL1_LABELS: dict[str, str] = {
    "产出指标": LEVEL1_OUTPUT,
    "效益指标": LEVEL1_BENEFIT,
    "满意度指标": LEVEL1_SATISFACTION,
    "社会公众或服务对象满意度指标": LEVEL1_SATISFACTION,
    "社会公共或服务对象满意度指标": LEVEL1_SATISFACTION,
}
FRAME_LABELS = frozenset({"绩效指标", "年度绩效指标", "长期绩效指标", "中长期绩效指标"})

# The indicator table's column headers; a row holding 三级指标 and 指标值 is a header row.
LEVEL3_HEADER = "三级指标"
VALUE_HEADER = "指标值"

# 三级 cells that only fill an empty slot of the form.
PLACEHOLDER_NAMES = frozenset({"无", "——", "—", "-", "--", "/", "指标", "指标1", "具体指标", "空"})


# Fields without which a form cannot be filed or cited (the readers of PDF/DOCX/XLSX refuse it).
REQUIRED_FIELDS = ("name", "code")


def level2_keyword(s: str) -> str | None:
    """The 二级 that exactly one framework keyword in a squashed cell points to."""
    found = {canon for key, canon in LEVEL2_KEYWORDS if key in s}
    return found.pop() if len(found) == 1 else None


def level2_label(s: str) -> str | None:
    """The canonical 二级 label a squashed cell prints, if it is one."""
    if s in LEVEL2_TO_LEVEL1:
        return s
    if not s.endswith("指标") or len(s) > 14 or s in LEVEL1_LABELS:
        return None
    # Exactly one framework keyword: "可持续性影响指标", "社会社会效益指标", "具体指标".
    return level2_keyword(s)


def names_every_spanned_row(text: str) -> bool:
    """A merged cell whose text labels every row it spans, not just its first.

    A merged 一级/二级指标, 绩效指标, 项目实施进度计划, 项目立项情况 or 项目绩效目标 cell is the
    label of each row beside it, so readers of tables repeat it on those rows (the way the text
    extract's parser carries it); a merged value or column header is read once.
    """
    s = squash(text)
    return (
        s in FRAME_LABELS
        or s in LEVEL1_LABELS
        or s in GROUP_LABELS
        or s in SCHEDULE_LABELS
        or s == GOAL_LABEL
        or level2_label(s) is not None
    )
