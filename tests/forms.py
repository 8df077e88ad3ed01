"""Minimal form texts for the parser's layout quirks and bad inputs."""

from __future__ import annotations

HEADER = """项目支出绩效目标申报表

(2021 年度)

填报单位：（盖章）

"""

META = """项目名称\t{name}\t项目分类\t业务类项目支出
项目编号\t{code}\t\t
主管部门\t聊城市测试局\t主管部门编号\t999
项目实施单位\t聊城市测试局本级\t\t
项目联系人\t张三\t联系电话\t8888888
项目类型\t经常性项目\t\t
项目起止时间\t2021 年 01 月 01 日 至 2021 年 12 月 31 日\t\t
项目金额(元)\t{amount}\t\t
测算依据及说明\t测算 依据 文本\t\t
项目概况、主要内容及用途\t概况文本\t\t
项目立项情况\t项目立项依据\t立项依据文本\t
\t项目申报的可行性和必要性\t可行性文本\t
项目实施进度计划\t项目实施内容\t开始时间\t余额
\t{name}\t2021-01-01\t{schedule}
项目绩效目标\t中(长)期目标\t年度目标\t
\t长期目标文本\t年度目标文本\t
其他说明的问题\t\t\t

\t中(长)期目标\t\t\t年度目标\t\t\t
\t一级指标\t二级指标\t三级指标\t指标值\t三级指标\t指标值\t备注
"""

STANDARD_TABLE = """绩效指标\t产出指标\t数量指标\t采购数量\t\t采购数量\t10 台\t
\t\t质量指标\t验收合格率\t\t验收合格率\t100%\t
\t\t时效指标\t完成及时率\t\t完成及时率\t100%\t
\t\t成本指标\t采购成本\t\t采购成本\t≤10 万元\t
\t效益指标\t社会效益指标\t服务能力\t\t服务能力\t提升\t
\t\t可持续影响指标\t使用年限\t\t使用年限\t5 年\t
\t满意度指标\t服务对象满意度指标\t使用人员满意度\t\t使用人员满意度\t≥90%\t
"""


def form(name="测试项目", code="99900120210001", amount="100000.00", schedule="100000", table=STANDARD_TABLE):
    return HEADER + META.format(name=name, code=code, amount=amount, schedule=schedule) + table


def document(*forms: str, toc: list[tuple[str, list[str]]] | None = None) -> str:
    head = ""
    if toc is not None:
        head = "目 录\n\n"
        for n, (section, names) in enumerate(toc, 1):
            head += f"{'一二三四五六七八九'[n - 1]}、{section}\t1\n"
            for k, project in enumerate(names, 1):
                head += f"{k}.{project}.....\t{k}\n"
        head += "\n\n"
    return head + "\n\n".join(forms)
