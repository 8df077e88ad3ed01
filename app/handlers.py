"""One handler per intent. Each takes the answerer's context, the question, its plan and the
conversation, computes from the records and returns (answer, new conversation state)."""

from __future__ import annotations

import re
from dataclasses import replace

from app import render
from app.abbreviation import abbreviates
from app.answer_model import Answer, Citation, Conversation, cite
from app.identify import claims_name, is_filler
from app.indicators import money_items, named_indicators, rows_naming, select, subpart
from app.understand import Ask, Plan, content_words, match_names, read_ask, topic_of
from app.vocabulary import thresholds, vocabulary
from corpus import Declaration, format_amount
from corpus.text import squash
from index.filters import Filters
from index.tokenize import general_tag

_NO_TARGET = "没有看出问的是哪个项目。请给出项目名称、编号或主管部门。"


# ---------------------------------------------------------------------------- one project


def answer_project(ctx, question: str, plan: Plan, r: Declaration, asks: list[Ask] | None = None) -> Answer:
    """Every ask of the question, answered from one form; parts the form lacks are said to be
    missing, and parts that name another project are answered from that project."""
    if plan.item_rank and (ranked := _ranked_items(question, plan, r)) is not None:
        return ranked
    asks = asks or plan.asks
    elsewhere = _asks_elsewhere(ctx, plan, r, asks)
    if elsewhere:
        own = [a for a in asks if all(a is not other for other, _ in elsewhere)]
        answers = [_answer_one_project(ctx, question, plan, r, own)]
        answers += [_answer_one_project(ctx, question, plan, other, [a]) for a, other in elsewhere]
        return _joined(question, answers)
    return _answer_one_project(ctx, question, plan, r, asks)


def _ranked_items(question: str, plan: Plan, r: Declaration) -> Answer | None:
    """"这里面哪部分开支最大": the project's own items by their money — the 测算依据's when the question
    names it or the 实施进度计划 lists fewer than two sums, else the plan's. None when the form lists
    fewer than two items with money."""
    order = ("basis", "schedule") if re.search(vocabulary().basis_named_pattern, plan.text) else ("schedule", "basis")
    where, items = next(((w, found) for w in order if len(found := money_items(r, w)) >= 2), (None, []))
    if where is None:
        return None
    items = sorted(items, key=lambda item: item[1], reverse=plan.item_rank == "max")
    label = render.FIELD_LABELS[where]
    word = "最多" if plan.item_rank == "max" else "最少"
    top = "；".join(shown for _, yuan, shown in items if yuan == items[0][1])
    lines = [f"{r.name}（{r.code}）的“{label}”中，金额{word}的是：{top}。各项："]
    lines += [f"- {shown}" for _, _, shown in items]
    lines.append(f"来源：{cite(r, where)}")
    return Answer(question, "\n".join(lines), False, "fact", [Citation(r.code, r.name, where)])


def _as_printed(ctx, word: str, r: Declaration) -> str:
    """"厨余" is read as the form's "餐厨"; people counted ("孩子", "老人") stay as asked: they say who
    is counted, not which item."""
    v = vocabulary()
    return word if word in v.measure_words or word in v.served_people else ctx.finder.as_printed(word, r.code)


def _asks_elsewhere(ctx, plan: Plan, r: Declaration, asks: list[Ask]) -> list[tuple[Ask, Declaration]]:
    """"甲项目多少钱、乙审计多少钱": a part whose own words the form does not explain but another
    project's name does is asked of that project (one part at least stays with the form)."""
    if len(asks) < 2:
        return []
    t = thresholds()
    moved = []
    for ask in asks:
        words = [w for w in _ask_content(ctx, ask, plan) if w not in squash(r.name) and not _organisation(w, r)]
        if not words or ctx.finder.coverage(words, r.code) >= t.ask_coverage:
            continue
        found = ctx.finder.identify(ask.rest, words)
        best = found.best
        # named, not merely described: the other project's own name carries the part's words
        if best is not None and best.record.code != r.code and ctx.finder.name_coverage(words, best.record.code) >= t.ask_coverage:
            moved.append((ask, best.record))
    return moved if len(moved) < len(asks) else []


def _joined(question: str, answers: list[Answer]) -> Answer:
    return render.combined(question, render.PARTS_HEAD, answers, any(a.refused for a in answers))


def _answer_one_project(ctx, question: str, plan: Plan, r: Declaration, asks: list[Ask]) -> Answer:
    if plan.which_project and not any(a.asks_value for a in asks):
        return render.project_card(question, r)  # "…做评估的，是哪个项目" with the project named: that one
    contents: list[list[str]] = []
    for ask in asks:
        words = [_as_printed(ctx, w, r) for w in _resegmented(ctx, _ask_content(ctx, ask, plan), r)]
        if not words and contents and ask.rest.lstrip().startswith("每"):
            words = contents[-1]  # "建几支团队，每支给多少": per one of what the part before counted
        elif set(words) <= set(vocabulary().money_asking_words) and contents and ask.money and (
                _costs_the_piece_before(ctx, r, ask, contents[-1])):
            words = contents[-1]  # "专家讲座办几次、预算多少": the money of the piece the part before named
        contents.append(words)
    if len(asks) > 1:
        asks, contents = _whole_and_pieces(plan, r, asks, contents)
    selections = _selected_in_turn(ctx, r, asks, contents)
    if all(s.missing and not s.found for s in selections):
        missing = "、".join(dict.fromkeys(w for s in selections for w in s.missing))
        reason = f"{r.name}（{r.code}）的申报表中没有关于“{missing}”的内容，语料无法回答。"
        return render.refuse(question, reason, [{"code": r.code, "name": r.name}])
    if not any(s.found for s in selections):
        return render.project_card(question, r)
    return render.project_answer(question, r, [s for s in selections if not s.empty])


def _costs_the_piece_before(ctx, r: Declaration, ask: Ask, before: list[str]) -> bool:
    """Does the part before name a piece of the project (words its name does not explain) whose
    money the form states in a clause of its own?"""
    if not before or all(w in squash(r.name) for w in before) or re.search(vocabulary().whole_money_pattern, ask.rest):
        return False  # "…几次、总共多少钱": the whole project's money
    s = select(r, ask, before, ctx.finder.coverage)
    return bool(s.passages) and re.search(vocabulary().item_money_pattern, s.passages[0][1]) is not None


def _selected_in_turn(ctx, r: Declaration, asks: list[Ask], contents: list[list[str]]) -> list:
    """Each part's rows or clauses; "应付未付的工程款和质保金": a later part prefers the sentence the
    part before it was answered from."""
    selections, near, before = [], "", None
    for ask, words in zip(asks, contents):
        # only a part asking the same kind of number ("…多少钱" after "…多少钱") looks where the one before did
        alike = before is not None and (ask.money, ask.units) == (before.money, before.units)
        selection = select(r, replace(ask, near=near) if near and alike else ask, words, ctx.finder.coverage)
        near, before = (selection.passages[0][1] if selection.passages else ""), ask
        selections.append(selection)
    return selections


def _resegmented(ctx, words: list[str], r: Declaration) -> list[str]:
    """"治小广告" cut as 治小 + 广告: a character the tokenizer gave the wrong neighbour goes to the next
    word when that makes a word the form has (小广告)."""
    fixed = list(words)
    for i in range(len(fixed) - 1):
        w, following = fixed[i], fixed[i + 1]
        if len(w) >= 2 and not ctx.finder.written_in(w, r.code) and ctx.finder.written_in(w[-1] + following, r.code):
            fixed[i], fixed[i + 1] = w[:-1], w[-1] + following
    return [w for w in fixed if len(w) >= 2]


def _whole_and_pieces(plan: Plan, r: Declaration, asks: list[Ask], contents: list[list[str]]):
    """The parts of a multi-part question on one project: a total named by the project's own words
    is its amount ("某某经费总共多少，其中…"); money parts naming different things are pieces of it
    ("甲培训多少钱，乙培训多少钱") — of a described project, only when there are several."""
    whole = [_total_of_the_project(a, w, r) for a, w in zip(asks, contents)]
    asks = [replace(a, fields=["amount_yuan"], money=True, total=True) if t else a for a, t in zip(asks, whole)]
    contents = [[] if t else w for w, t in zip(contents, whole)]
    several = len({tuple(w) for a, w in zip(asks, contents) if (a.money or a.fields == ["amount_yuan"]) and w}) > 1
    named = bool(plan.names or plan.codes)
    return [replace(a, part=True) if _names_a_piece(a, w, r, several, named) else a for a, w in zip(asks, contents)], contents


def _total_of_the_project(ask: Ask, words: list[str], r: Declaration) -> bool:
    return not ask.part and ask.fields in ([], ["amount_yuan"]) and not ask.measure_units and (
        any(w in ask.rest for w in vocabulary().totalizers)) and all(w in squash(r.name) or _organisation(w, r) for w in words)


def _organisation(word: str, r: Declaration) -> bool:
    """Does the word name the project's organisation ("交巡警", "工信局")?"""
    v = vocabulary()
    return (word in squash(r.unit + r.department) or abbreviates(word, r.unit) or abbreviates(word, r.department)
            or v.department_aliases.get(word) == r.department)


def _names_a_piece(ask: Ask, words: list[str], r: Declaration, several: bool, named: bool) -> bool:
    """Does a money part name a piece of the project: words its name and organisation do not
    explain, or one of several money parts each naming its own thing (the name may list them)?"""
    if not (ask.money or ask.fields == ["amount_yuan"]) or not words:
        return False
    own = [w for w in words if not _organisation(w, r)]
    beyond_name = any(w not in squash(r.name) for w in own)
    if not beyond_name and any(w in ask.rest for w in vocabulary().totalizers):
        return False  # "某某培训的项目总共多少钱": the whole project its name describes
    return bool(own) and (several or (named and beyond_name))


def _ask_content(ctx, ask: Ask, plan: Plan) -> list[str]:
    # "做实验室装修的，空调采购多少": a clause ending in 的 describes the project; the part asked follows
    described = re.match(vocabulary().describing_clause_pattern, ask.rest)
    topic = topic_of(described.group("asked") if described else ask.rest, plan.filters)
    words = content_words(topic, ctx.tokenizer)
    # "某某补助那一项多少", "补助和经费各多少": a part named in generic words only is named
    # by them together
    part = squash(subpart(ask.rest) or (topic if ask.part else ""))
    return words or ([part] if re.fullmatch(r"[\u4e00-\u9fff]{2,8}", part) else [])


def _about(ctx, question: str, plan: Plan, projects: list[Declaration], asks: list[Ask] | None = None,
           head: str | None = None) -> Answer:
    if len(projects) == 1:
        return answer_project(ctx, question, plan, projects[0], asks)
    if plan.several_named and any(not a.fields and (a.units or a.indicator_level2 or _ask_content(ctx, a, plan))
                                  for a in asks or plan.asks):
        # "甲和乙每人每年各补多少": a number inside each form, looked up form by form
        answers = [answer_project(ctx, question, plan, r, asks) for r in projects]
        return render.combined(question, head or render.SAME_NAME_HEAD, answers, all(a.refused for a in answers))
    fields = [f for a in (asks or plan.asks) for f in a.fields] or ["amount_yuan"]
    return render.fields_of_many(question, projects, list(dict.fromkeys(fields)), head or render.SAME_NAME_HEAD)


def lookup(ctx, question: str, plan: Plan, state: Conversation):
    """A project named by its name or code."""
    projects = [ctx.by_code[c] for c in plan.codes] or [m.record for m in plan.names]
    if len(projects) == 1 and not plan.codes and plan.filters.department and not plan.filters.accepts(projects[0]):
        # "水利局监督管理的工作经费": a short name spelled whole belongs to another bureau; the bureau
        # named has a project whose name the question spells loosely
        inside = match_names(plan.text, plan.filters.apply(ctx.records), thresholds().loose_name_match)
        projects = [inside[0].record] if len(inside) == 1 else projects
    if len(projects) == 1 and not plan.codes and (others := ctx.finder.unmatched_entities(plan.rest, projects[0].code)):
        # "二中的某某经费" for a 三中 form: the name fits, the organisation the question names does not
        r = projects[0]
        reason = f"语料中的“{r.name}”是{r.unit}的项目，没有“{'、'.join(others)}”的这个项目，无法回答。"
        return render.refuse(question, reason, [{"code": r.code, "name": r.name}]), state
    if plan.compares and plan.op in ("diff", "max", "min"):
        compared = projects + [ctx.by_code[c] for c in state.codes if plan.referent and c not in plan.codes
                               and c not in {r.code for r in projects}]
        if len(compared) > 1 and (answer := _compared(ctx, question, plan, compared)) is not None:
            return answer, _compared_state(answer, plan, [r.code for r in compared])
    if len(projects) > 1 and (plan.op in ("sum", "max", "min", "avg") or plan.top_n):
        # "车辆购置费和办公设备购置费用一共多少": a total or a ranking over the projects named
        return _aggregate(ctx, question, plan, projects, Filters(codes=tuple(r.code for r in projects)),
                          "问题中提到的", "")
    asks = plan.asks
    if not plan.asks_value and not plan.content and state.asks and plan.followup:
        asks = state.asks  # "那计量经费呢？": the last question's asks, of another project
    head = f"问题中提到的 {len(projects)} 个项目：" if plan.several_named else None
    answer = _about(ctx, question, plan, projects, asks, head)
    scope = [r.code for r in projects] if len(projects) > 1 else state.scope
    return answer, Conversation([r.code for r in projects], state.filters, scope, state.topic, asks)


def indicator_count(ctx, question: str, plan: Plan, state: Conversation):
    """"…这张表设了多少条指标": the rows of the form's indicator table."""
    projects = [ctx.by_code[c] for c in plan.codes] or [m.record for m in plan.names]
    if not projects and state.codes:
        projects = [ctx.by_code[c] for c in state.codes]
    lines, citations = [], []
    for r in projects:
        groups = "、".join(dict.fromkeys(i.level2 or i.level1 for i in r.indicators))
        lines.append(f"{r.name}（{r.code}）的绩效指标表共列 {len(r.indicators)} 个三级指标（{groups}）：")
        lines += render.indicator_lines(r.indicators, "annual")
        citations.append(Citation(r.code, r.name, "indicators"))
    lines.append("来源：" + "；".join(cite(r, "indicators") for r in projects))
    answer = Answer(question, "\n".join(lines), False, "aggregate", citations)
    return answer, Conversation([r.code for r in projects], asks=plan.asks)


# ---------------------------------------------------------------------------- follow-ups


def _money_carried(asks: list[Ask], plan: Plan, state: Conversation) -> list[Ask]:
    """"…补贴多少？" then "那大豆、棉花各占多少": the parts of that money, asked in its terms."""
    if not any(a.money or "amount_yuan" in a.fields for a in state.asks):
        return asks
    carried = vocabulary().carried_money_pattern
    whole = re.search(carried, plan.rest.strip()) is not None
    # …but "那打算改造几处" counts something: 几 asks a number of things, not money
    return [replace(a, money=True) if not (a.fields or a.units or a.money or "几" in a.rest) and (
        whole or re.search(carried, a.rest.strip())) else a for a in asks]


def followup_lookup(ctx, question: str, plan: Plan, state: Conversation):
    """"它归谁管", "第三个多少钱", "这几个的电话": the conversation's projects."""
    codes, head = state.codes, "上一轮的 {n} 个项目："
    if plan.listed_followup and len(codes) == 1 and plan.listed_count in (None, len(state.recent)) and len(state.recent) > 1:
        # one project asked about, then another: "这两个的电话" are both
        codes, head = state.recent, "刚才问到的 {n} 个项目："
    if plan.ordinal:
        pool = state.scope or state.codes
        if plan.ordinal == -1 and len(pool) > 1:
            codes = [pool[-1]]  # "后面那个": the last of those listed
        elif 1 <= plan.ordinal <= len(pool):
            codes = [pool[plan.ordinal - 1]]
        elif numbered := _numbered_sibling(ctx, pool, plan.ordinal):
            codes = [numbered.code]  # "3号" after "某某经费 1": number 3 of that series
        else:
            return render.refuse(question, f"上一轮只列出了 {len(pool)} 个项目，没有第 {plan.ordinal} 个。", kind="clarify"), state
    elif plan.scope_followup and state.scope and not (len(codes) == 1 and _inside_the_one_named(ctx, plan, state)):
        codes = state.scope  # "里面…" of the list; "这个里面…" is of the one project just named
    recalled = any(w in plan.description for w in vocabulary().recall_markers) or plan.back_to
    talked = state.talked if plan.back_to and len(state.talked) > 1 else state.recent
    if recalled and not plan.ordinal and plan.content and len(talked) > 1 and (
            naming := _named_by(ctx, [w for w in plan.content if w in plan.description] or plan.content, talked)
            or _naming(ctx, plan, talked)):
        codes = naming  # "刚才说的检测那个", "回到某某那个": the one of the projects talked about that the words name
    explicit = plan.referent or plan.ordinal or plan.scope_followup or recalled
    scope = state.scope
    if not plan.ordinal and plan.content and len(codes) > 1 and (naming := _naming(ctx, plan, codes)):
        # "里面短信平台费多少" after two projects: the one whose form names it; the other stays in scope
        scope, codes = state.scope or codes, naming
    served_only = all(w in vocabulary().served_people for w in plan.content)  # "按几个学生算的"
    if not explicit and plan.content and len(codes) == 1 and not served_only and _names_a_thing(plan.content) and (
        ctx.finder.coverage(plan.content, codes[0]) < thresholds().ask_coverage
    ):
        # "福彩救助活动重阳节的公益金": words the project talked about does not have, another one does
        found = identify(ctx, plan)
        # another project only when it explains the words better than the one talked about
        better = found.best is not None and found.best.record.code != codes[0] and (
            found.best.coverage > ctx.finder.coverage(plan.content, codes[0]))
        if better or (found.best is None and claims_name(plan.rest)):
            # another project, or one the library does not have ("某某系统建设项目申报了多少"): not this one
            return (described_lookup if plan.asks_value else described_or_search)(ctx, question, plan, state)
    projects = [ctx.by_code[c] for c in codes]
    asks = plan.asks if plan.asks_value or plan.content or plan.indicator_count else (state.asks or plan.asks)
    asks = _money_carried(asks, plan, state)
    if plan.indicator_count:
        return indicator_count(ctx, question, plan, Conversation(codes))
    answer = _about(ctx, question, plan, projects, asks, head=head)
    if not explicit and plan.content and (answer.refused or answer.kind == "project"):
        # "每吨按什么价算": not on the project talked about — another one, described
        if plan.asks_value:
            return described_lookup(ctx, question, plan, state)
        return described_or_search(ctx, question, plan, state)
    return answer, Conversation(codes, state.filters, scope, state.topic, asks, state.op)


def _inside_the_one_named(ctx, plan: Plan, state: Conversation) -> bool:
    """"这个里面…", or "这里面<a part>" right after a ranking named one project whose form has that part."""
    if re.search(vocabulary().inside_this_one_pattern, plan.rest):
        return True
    return state.op in ("max", "min") and bool(plan.content) and (
        ctx.finder.coverage(plan.content, state.codes[0]) >= thresholds().ask_coverage)


def _names_a_thing(words: list[str]) -> bool:
    """Do the words name something another project might be about — a noun, or a longer term —
    rather than only say what is done ("打算发给几户" stays on the project talked about)?"""
    return any(len(w) >= 3 or (general_tag(w) or "n").startswith("n") for w in words)


def _named_by(ctx, words: list[str], codes: list[str]) -> list[str]:
    """The one project whose name spells all the words, if one alone does; else the one whose name
    spells any of them ("信访" of "信访、负责"), if one alone does."""
    for fits in (all, any):
        named = [c for c in codes if words and fits(w in squash(ctx.by_code[c].name) for w in words)]
        if len(named) == 1:
            return named
    return []


def _naming(ctx, plan: Plan, codes: list[str]) -> list[str]:
    """The one project among several whose form explains the question's words clearly better than
    the others (or is alone in explaining any of them)."""
    t = thresholds()
    coverage = {c: ctx.finder.coverage(plan.content, c) for c in codes}
    best, second = sorted(coverage.values(), reverse=True)[:2]
    if best >= t.ask_coverage and best - second >= t.described_runner_up_margin:
        return [c for c in codes if coverage[c] == best][:1]  # "其中小麦补贴": the form that says so most fully
    naming = [c for c in codes if coverage[c] > 0]
    return naming if len(naming) == 1 else []


def _numbered_sibling(ctx, pool: list[str], number: int) -> Declaration | None:
    """The project of the same numbered series as one talked about, with the given number."""
    for code in pool:
        if re.search(rf"(?<!\d){number}\W*$", ctx.by_code[code].name):
            return ctx.by_code[code]
        base = re.sub(r"\s*\d+\W*$", "", ctx.by_code[code].name)
        for r in ctx.records:
            if r.name != ctx.by_code[code].name and re.fullmatch(re.escape(base) + rf"\s*{number}\W*", r.name):
                return r
    return None


def followup_aggregate(ctx, question: str, plan: Plan, state: Conversation):
    """"其中谁预算最高", "反过来最低的呢", "三个加起来": the projects the conversation ranged over."""
    listed = plan.listed_followup and len(state.codes) > 1 and len(state.codes) < len(state.scope or state.codes)
    listed = listed and state.op != "others"  # after "还有别的项目吗", the organisation's or person's projects in all
    # "这三项合计" after a top-three list: the three listed; "其中最小的" ranges over the whole scope
    pool = state.codes if listed else (state.scope or state.codes)
    if plan.back_to and len(state.last_list) > 1:
        pool, listed = state.last_list, False  # "回到预算最高的那项": the last list of several projects
    recent = state.recent
    if plan.listed_followup and state.earlier and (len(pool) == 1 or (plan.listed_count == len(recent) != len(pool))):
        # one project asked about, then another: "这两个" are both
        pool, listed = recent, True
    if plan.op == "diff":
        two = state.codes if len(state.codes) == 2 else (state.scope if state.op == "compare" else recent)
        return _difference(question, [ctx.by_code[c] for c in two]), state
    chosen = plan.filters.apply([ctx.by_code[c] for c in pool])
    ask, content = plan.whole, plan.content
    if plan.compares and not content and state.op == "compare" and state.asks:
        ask = state.asks[0]  # "那哪个低": the value compared last time, the other way round
        content = _ask_content(ctx, ask, plan)
    if plan.op in ("max", "min") and not ask.money and "amount_yuan" not in ask.fields and (content or ask.measure_units):
        if (ranked := _ranked_by_value(ctx, question, plan.op, ask, content, chosen)) is not None:
            first = [c.code for c in ranked.citations[:1]]
            return ranked, Conversation(first, state.filters, pool, state.topic, [ask], "compare")
    how = state.topic or (state.filters.describe() if state.filters.active() else "")
    scope = "上一轮列出的项目" if listed else (f"上一轮涉及的项目（{how}）" if how else "上一轮涉及的项目")
    if plan.back_to and pool is state.last_list:
        scope = "前面列出的项目"
    if plan.has_filters:
        scope += f"中{plan.filters.describe()}的"
    if content and (about := _about_words(ctx, content, chosen, plan.listed_count)):
        chosen, scope = about, scope + f"中与“{'、'.join(content)}”有关的"  # "养老的那几个合计": those of them
    return _aggregate(ctx, question, plan, chosen, state.filters, scope, state.topic)


def _compared(ctx, question: str, plan: Plan, projects: list[Declaration]) -> Answer | None:
    """Projects set against each other by the value asked: their amounts, larger first, with the
    gap; another value the forms state ("哪个补助的人数多") read from each. None when a form lacks it."""
    ask = plan.whole
    content = [w for w in plan.content if not (plan.against_referent and w in plan.description)]
    if not ask.money and "amount_yuan" not in ask.fields and (content or ask.measure_units):
        return _ranked_by_value(ctx, question, plan.op if plan.op != "diff" else "max", ask, content, projects,
                                "问题中的")
    if plan.op == "diff" and len(projects) != 2:
        return None
    return _difference(question, projects, None if plan.op == "diff" else plan.op)


def _compared_state(answer: Answer, plan: Plan, codes: list[str]) -> Conversation:
    """After a comparison "它" is the one named first (the larger, or the one asked for); after a
    difference both; "那哪个少" next ranges over the same projects."""
    first = [answer.citations[0].code] if plan.op != "diff" else codes
    return Conversation(first, Filters(), codes, "", [plan.whole], "compare")


def _about_words(ctx, content: list[str], projects: list[Declaration], count: int | None) -> list[Declaration]:
    """The projects among those talked about whose forms explain the question's words — when that
    picks out some of them (as many as the question says, if it says)."""
    about = [r for r in projects if ctx.finder.coverage(content, r.code) >= thresholds().ask_coverage]
    named = [r for r in about if all(ctx.finder.spelled_in(w, squash(r.name)) for w in content)]
    about = named if named and count in (None, len(named)) else about  # its name says so: "剩下那个垃圾处理的"
    return about if 0 < len(about) < len(projects) and count in (None, len(about)) else []


def _difference(question: str, projects: list[Declaration], op: str | None = None) -> Answer:
    """"它俩差了多少": the two amounts and their difference, the larger named first; "哪个少" (op "min")
    names the smaller one first (of more than two, every amount is listed)."""
    ranked = sorted(projects, key=lambda r: -(r.amount_yuan or 0))
    a, b = ranked[0], ranked[-1]
    head = ""
    if op in ("max", "min") or len(ranked) == 2:
        pick = b if op == "min" else a
        head = f"金额{'较小' if op == 'min' else '较大'}的是 {pick.name}（{pick.code}）。\n"
        if (a.amount_yuan or 0) == (b.amount_yuan or 0):
            head = "金额相同。\n"
        ranked = [pick] + [r for r in ranked if r is not pick]
    amounts = "，".join(f"{r.name}（{r.code}）{format_amount(r.amount_yuan)}" for r in ranked)
    gap = f"，相差 {format_amount((a.amount_yuan or 0) - (b.amount_yuan or 0))}（按两表“项目金额(元)”相减）" if len(ranked) == 2 else ""
    text = f"{head}{amounts}{gap}。\n来源：" + "；".join(cite(r, "amount_yuan") for r in ranked)
    return Answer(question, text, False, "aggregate", [Citation(r.code, r.name, "amount_yuan") for r in ranked])


def _number(text: str) -> float | None:
    m = re.search(r"(\d+(?:\.\d+)?)\s*(万)?", re.sub(r"(?:19|20)\d\d\s*年", " ", squash(text)))
    return float(m.group(1)) * (1e4 if m.group(2) else 1) if m else None


def _ranked_by_value(ctx, question: str, op: str, ask: Ask, content: list[str],
                     projects: list[Declaration], scope: str = "上一轮的") -> Answer | None:
    """"哪个资助的人数多": the value the question asks, read from each project, compared. None when
    some project does not state it."""
    rows = []
    for r in projects:
        s = select(r, ask, content, ctx.finder.coverage)
        if s.indicators:
            label, value, where = s.indicators[0].name, s.indicators[0].value_annual, "indicators"
        elif s.passages:
            where, value = s.passages[0]
            label = render.FIELD_LABELS.get(where, where)
        else:
            return None
        if (number := _number(value)) is None:
            return None
        rows.append((number, r, label, value, where))
    if len(rows) < 2:
        return None
    rows.sort(key=lambda row: row[0], reverse=op == "max")
    word = "最多（最高）" if op == "max" else "最少（最低）"
    lines = [f"按问的数值比较{scope} {len(rows)} 个项目，{word}的是 {rows[0][1].name}（{rows[0][1].code}）："]
    lines += [f"- {r.name}（{r.code}）：{label} {value}" for _, r, label, value, _ in rows]
    lines.append("来源：" + "；".join(cite(r, where) for _, r, _, _, where in rows))
    citations = [Citation(r.code, r.name, render.citation_field(where)) for _, r, _, _, where in rows]
    return Answer(question, "\n".join(lines), False, "aggregate", citations)


def followup_same_organisation(ctx, question: str, plan: Plan, state: Conversation):
    """"这家单位另外还有什么项目": the other projects of the project talked about's 实施单位, else of
    its 主管部门 — and saying so when there are none."""
    r = ctx.by_code[state.codes[0]]
    order = [("实施单位", "unit"), ("主管部门", "department")]
    for label, key in (order[::-1] if "部门" in plan.rest else order):
        others = [o for o in ctx.records if getattr(o, key) == getattr(r, key) and o.code != r.code]
        if others:
            head = f"{r.name}（{r.code}）的{label}“{getattr(r, key)}”还有 {len(others)} 个其他项目："
            answer = render.listing(question, head, others, key)
            answer.citations.append(Citation(r.code, r.name, key))  # the project the others are counted beside
            codes = [o.code for o in others]
            return answer, Conversation(codes, Filters(), [r.code] + codes, "", [], "others", earlier=[r.code])
    text = f"{r.name}（{r.code}）的实施单位“{r.unit}”和主管部门“{r.department}”在语料中都没有其他项目。\n来源：{cite(r, 'department')}"
    return Answer(question, text, False, "aggregate", [Citation(r.code, r.name, "department")]), state


def followup_other(ctx, question: str, plan: Plan, state: Conversation):
    """"另外一个项目的金额": the project of the same organisation (or of the scope the question
    names) other than the one talked about."""
    current = [ctx.by_code[c] for c in state.codes]
    if plan.has_filters:
        pool = plan.filters.apply(ctx.records)
    elif len(state.scope) > len(state.codes) and set(state.codes) <= set(state.scope):
        pool = [ctx.by_code[c] for c in state.scope]  # "另一个呢" after picking one of the projects listed
    else:
        pool = [o for o in ctx.records if any(o.unit == r.unit for r in current)]
        if len(pool) <= len(current):
            pool = [o for o in ctx.records if any(o.department == r.department for r in current)]
    others = [o for o in pool if o.code not in state.codes]
    if plan.content and (about := _about_words(ctx, plan.content, others, None)):
        others = about  # "剩下那个垃圾处理的": the other one about that
    elif plan.content and len(others) > 1:
        # "另外那个自主就业的补助，服役一年给多少": the other one whose own name carries the words
        share = sorted(((ctx.finder.name_coverage(plan.content, o.code), o.code) for o in others), reverse=True)
        if share[0][0] >= thresholds().ask_coverage and share[0][0] > share[1][0]:
            others = [ctx.by_code[share[0][1]]]
    if not others:
        names = "、".join(f"{r.name}（{r.code}）" for r in current)
        return render.refuse(question, f"除{names}外，语料中这家单位没有其他项目。", kind="clarify"), state
    if len(others) > 1:
        answer = render.listing(question, f"除上一轮的项目外，还有 {len(others)} 个项目：", others, "amount_yuan")
        codes = [o.code for o in others]
        return answer, Conversation(codes, Filters(), codes, "", [], "list")
    r = others[0]
    asks = plan.asks if plan.asks_value else state.asks  # "另一个的呢": what was asked of the first one
    answer = answer_project(ctx, question, plan, r, asks) if asks else render.project_card(question, r)
    return answer, Conversation([r.code], asks=asks, earlier=state.codes)


def followup_same_contact(ctx, question: str, plan: Plan, state: Conversation):
    """"这位联系人还管哪些项目": other forms naming one of the talked-about project's contacts."""
    current = [ctx.by_code[c] for c in state.codes]
    people = {p for r in current for p in re.split(r"[、，,；;\s]+", r.contact) if len(p) >= 2}
    others = [o for o in ctx.records if o.code not in state.codes and any(p in o.contact for p in people)]
    who = "、".join(sorted(people)) or "（未填写）"
    if not others:
        text = f"项目联系人{who}在语料中没有其他项目。\n来源：" + "；".join(cite(r, "contact") for r in current)
        return Answer(question, text, False, "aggregate", [Citation(r.code, r.name, "contact") for r in current]), state
    answer = render.listing(question, f"项目联系人{who}还负责 {len(others)} 个其他项目：", others, "contact")
    codes = [o.code for o in others]
    # "这些合计多少" next means all of the person's projects, the one talked about included
    return answer, Conversation(codes, Filters(), state.codes + codes, "", [], "others", earlier=state.codes)


# ---------------------------------------------------------------------------- scopes and aggregates


def aggregate(ctx, question: str, plan: Plan, state: Conversation):
    chosen = plan.filters.apply(ctx.records)
    filters, scope, topic = plan.filters, plan.filters.describe(), ""
    if plan.content and not plan.has_filters:
        # "跟防汛有关的项目": the scope is a topic, found by search, not the whole corpus
        topic = "、".join(plan.content)
        chosen = ctx.finder.topical(plan.topic or plan.rest, plan.content)
        # "市图书馆的项目": an institution named is the projects' own, not a word their texts share
        chosen = [r for r in chosen if not ctx.finder.unmatched_entities(plan.topic or plan.rest, r.code)]
        if missing := ctx.finder.claimed_missing(plan.rest, plan.content, [r.code for r in chosen], literal=True):
            chosen = []  # "某某中心建设工程一共投了多少": a project by a name no form has, not a topic
            topic = "、".join(missing)
        if not chosen:
            return render.refuse(question, f"语料中没有与“{topic}”相关的项目。", ctx.suggest(plan.text)), state
        filters, scope = Filters(), f"与“{topic}”相关的项目"
    elif (len(plan.asks) > 1 and plan.op in ("sum", None)) or plan.item_rank:
        chosen = _the_one_described(ctx, plan, chosen) or chosen
    elif (about := _about_the_topic(ctx, plan, chosen)) is not None:
        # "城管局跟污水处理有关的项目", "城管局哪几个污水处理的项目": the topic narrows the filters' scope
        topic = "、".join(w for w in plan.content if not is_filler(w))
        chosen, scope = about, f"{scope}中与“{topic}”相关的项目"
    one_project = len(chosen) == 1 and ((len(plan.asks) > 1 and plan.op in ("sum", None)) or plan.item_rank)
    if one_project:
        # "某某经费总共多少，里面某项占多少", "城管那个平台项目测算里哪项最贵": one project and its parts
        return answer_project(ctx, question, plan, chosen[0]), Conversation([chosen[0].code], asks=plan.asks)
    return _aggregate(ctx, question, plan, chosen, filters, scope, topic)


def _about_the_topic(ctx, plan: Plan, chosen: list[Declaration]) -> list[Declaration] | None:
    """The projects of a filtered scope that are about the question's topic: those whose names (or
    units) carry it, else — when the question marks it as a topic ("跟…有关") — those whose forms
    mostly explain it. None when the question names no topic, or names it only in passing."""
    telling = [w for w in plan.content if not is_filler(w)]
    if not telling or len(chosen) < 2:
        return None
    by_name = [r for r in chosen if all(w in squash(r.name + r.unit) for w in telling)]
    if not plan.topic_marked:
        return by_name if 0 < len(by_name) < len(chosen) else None
    return by_name or [r for r in chosen if ctx.finder.coverage(telling, r.code) >= thresholds().topical_coverage]


def _the_one_described(ctx, plan: Plan, chosen: list[Declaration]) -> list[Declaration]:
    """"交巡警往年尾款项目一共多少，其中…": the one project of the scope the question's words
    describe (then its parts are asked); [] when they describe none or several."""
    telling = [w for w in plan.content if not is_filler(w)]
    about = [r for r in chosen if ctx.finder.coverage(telling, r.code) >= thresholds().ask_coverage] if telling else []
    return about if len(about) == 1 else []


def _aggregate(ctx, question: str, plan: Plan, chosen: list[Declaration], filters: Filters, scope: str, topic: str):
    if not chosen:
        answer = Answer(question, f"语料中没有符合条件（{scope}）的项目。", True, "aggregate")
        return answer, Conversation([], filters)
    op = plan.op or ("max" if plan.top_n else "list")
    amounts = [r.amount_yuan or 0.0 for r in chosen]
    shown, field_name = chosen, filters.primary_field()
    total = f"合计 {format_amount(sum(amounts))}"
    if op in ("max", "min"):
        key = plan.sort_by
        ranked = [r for r in chosen if getattr(r, key) is not None]
        first = plan.rank - 1 if plan.rank else 0  # "第二大的": that place alone
        shown = sorted(ranked, key=lambda r: getattr(r, key), reverse=(op == "max"))[first : plan.top_n or 1]
        if key == "amount_yuan":
            word = "金额" + (f"第 {plan.rank} " if plan.rank and plan.rank > 1 else "最") + ("大" if op == "max" else "小")
        else:
            word = ("结束" if key == "end_date" else "开始") + ("日期最晚" if op == "max" else "日期最早")
            shown = [r for r in ranked if getattr(r, key) == getattr(shown[0], key)] if shown else []
        head = f"在{scope}中，{word}的{'项目是' if len(shown) == 1 else f' {len(shown)} 个项目是'}："
        if plan.also_count:
            head = f"{scope}共 {len(chosen)} 个项目，金额{total}。" + head
        field_name = key
    elif op == "sum":
        head = f"{scope}共 {len(chosen)} 个项目，金额{total}（按各表“项目金额(元)”相加）："
        field_name = "amount_yuan"
    elif op == "avg":
        avg = sum(amounts) / len(amounts)
        head = f"{scope}共 {len(chosen)} 个项目，{total}，平均每个 {format_amount(round(avg, 2))}："
        field_name = "amount_yuan"
    else:  # count and list name the same projects
        head = f"{scope}共 {len(chosen)} 个项目，金额{total}："
        if plan.sort:  # "按金额从高到低排一下": the same projects in that order, which "第二个" then follows
            shown = chosen = sorted(chosen, key=lambda r: r.amount_yuan or 0.0, reverse=plan.sort == "desc")
            head = head.rstrip("：") + f"，按金额从{'高到低' if plan.sort == 'desc' else '低到高'}排列："
            field_name = "amount_yuan"
    answer = render.listing(question, head, shown, field_name)
    if plan.both_ends and op in ("max", "min") and not plan.top_n:
        # "最大和最小的分别是哪个": the other end of the same ranking, from the same scope
        other = replace(plan, op="min" if op == "max" else "max", both_ends=False, also_count=False)
        other_answer, other_state = _aggregate(ctx, question, other, chosen, filters, scope, topic)
        answer = _append(answer, other_answer)
        shown = [*shown, *(r for r in chosen if r.code in other_state.codes)]
    if plan.also_list and op in ("max", "min"):
        answer = _append(render.listing(question, f"{scope}共 {len(chosen)} 个项目，金额{total}：", chosen, "amount_yuan"), answer)
    if plan.also_count and op in ("max", "min"):
        # the count and total range over every project of the scope: each is cited
        answer.citations += [Citation(r.code, r.name, "amount_yuan") for r in chosen if r not in shown]
    if len(shown) == 1 and (extra := _extra_fields(plan)):
        # "预算最低的是谁在做": the extreme project's own fields too
        answer = _append(answer, answer_project(ctx, question, plan, shown[0], [Ask(rest="", text="", fields=extra)]))
    elif len(shown) == 1 and op != "count" and not (plan.also_count or plan.also_list) and (measured := [a for a in plan.asks if a.measure_units or a.indicator_level2]):
        # "里面最便宜的那个涉及多少人": a number on the form of the project found
        answer = _append(answer, answer_project(ctx, question, plan, shown[0], measured))
    state = Conversation([r.code for r in shown], filters, [r.code for r in chosen], topic, [], op)
    return answer, state


def _extra_fields(plan: Plan) -> list[str]:
    return [f for f in plan.fields if f not in ("amount_yuan", "indicators", "code")]


def _append(first: Answer, second: Answer) -> Answer:
    first.answer += "\n" + second.answer
    first.citations += second.citations
    return first


def group(ctx, question: str, plan: Plan, state: Conversation):
    """Counts and totals per 主管部门 or 科室, largest first."""
    chosen = plan.filters.apply(ctx.records)
    key = plan.group_by
    if plan.group_values:
        chosen = [r for r in chosen if getattr(r, key) in plan.group_values]
    label = "主管部门" if key == "department" else "科室"
    groups: dict[str, list[Declaration]] = {}
    for r in chosen:
        groups.setdefault(getattr(r, key) or "（未知）", []).append(r)
    by_total = plan.totals or "amount_yuan" in plan.fields

    def measure(rs):
        return sum(r.amount_yuan or 0 for r in rs) if by_total else len(rs)

    ordered = sorted(groups.items(), key=lambda kv: measure(kv[1]), reverse=(plan.op != "min"))
    lead = None
    if plan.op in ("max", "min") and ordered:
        word = ("最多" if not by_total else "最大") if plan.op == "max" else ("最少" if not by_total else "最小")
        name, rs = ordered[0]
        lead = (f"{'金额合计' if by_total else '项目数'}{word}的{label}是 {name}（{len(rs)} 个项目，"
                f"合计 {format_amount(sum(r.amount_yuan or 0 for r in rs))}）。")
    if plan.group_count is not None:
        lead = _groups_of_size(ordered, plan.group_count, label)
    answer = render.grouped(question, label, plan.filters.describe(), len(chosen), ordered, lead, key)
    return answer, Conversation([], plan.filters, [r.code for r in chosen], "", [], plan.op)


def _groups_of_size(ordered: list[tuple[str, list[Declaration]]], size: int, label: str) -> str:
    """"哪个科室只报了一个项目": the groups of exactly that many projects, each with its projects named."""
    exact = [(name, rs) for name, rs in ordered if len(rs) == size]
    if not exact:
        return f"没有正好 {size} 个项目的{label}。"
    return "；".join(f"{label} {name} 有 {size} 个项目：" + "、".join(f"{r.name}（{r.code}）" for r in rs)
                    for name, rs in exact) + "。"


def lookup_in_scope(ctx, question: str, plan: Plan, state: Conversation):
    """A value asked of a project inside a named scope: "档案馆项目的满意度" (the scope is the
    project), "驻京办每年的租金" (the topic picks the project inside the scope)."""
    scoped = plan.filters.apply(ctx.records)
    only_one = len(scoped) == 1 and _fits_words(ctx, plan, scoped[0])
    if (0 < len(scoped) <= 3 and not plan.content) or only_one:
        # "某福利院的围墙工程哪天完工": the scope is one project, and the words fit it
        return _about(ctx, question, plan, scoped), Conversation([r.code for r in scoped], scope=[r.code for r in scoped])
    if len(scoped) == 1 and plan.description and plan.asks_value and not claims_name(plan.rest):
        # "某处要建供家属守夜的屋子那个，每平米造价多少": the organisation named has this one project, and
        # the question describes it in its own words rather than naming another
        r = scoped[0]
        answer = answer_project(ctx, question, plan, r)
        if not answer.refused:
            answer.answer = f"（{plan.filters.describe()}的项目只有这一个：{r.name}，{r.code}）\n" + answer.answer
            return answer, Conversation([r.code])
    if scoped and plan.content and plan.asks_value:
        return described_lookup(ctx, question, plan, state, scope=plan.filters)
    if scoped and plan.content:
        # "统计局下基层经费里对干部作风的目标": a project inside the scope and one of its indicators
        found = identify(ctx, plan, plan.filters)
        if found.best is not None and named_indicators(found.best.record, plan.whole):
            r = found.best.record
            return answer_project(ctx, question, plan, r), Conversation([r.code])
    return aggregate(ctx, question, plan, state)


# ---------------------------------------------------------------------------- by description


def identify(ctx, plan: Plan, scope: Filters | None = None, state: Conversation | None = None):
    """The described project: the description clause if the question has one, else its topic;
    inside the projects the conversation listed first ("升级的那个" among the projects just named)."""
    # the projects just listed, or just asked about one after another ("高中那个" after 学前…, 高中…)
    listed = [] if state is None else next(
        (pool for pool in (state.scope, state.codes, state.recent) if len(pool) > 1), [])
    if len(listed) > 1 and scope is None:
        found = identify(ctx, plan, Filters(codes=tuple(listed)))
        if found.best is not None:
            return found
    if plan.description:
        words = content_words(topic_of(plan.description, plan.filters), ctx.tokenizer)
        # a description ("…的那个") is not a name the asker claims exists: no strict name check
        found = ctx.finder.identify(plan.description, words, "", scope)
        if found.best is not None or not plan.content:
            return found
    return ctx.finder.identify(plan.topic or plan.rest, plan.content, plan.rest, scope)


def _several_described(ctx, question: str, plan: Plan, scope: Filters | None):
    """"两个补贴项目，城区的和农村的各多少钱": each part names a project of its own. None when the
    parts are pieces of one project ("围墙和道路硬化各多少") or one of them is not found."""
    parts = [a for a in plan.asks if a.part]
    if len(parts) < 2:
        return None
    own = [content_words(topic_of(a.rest, plan.filters), ctx.tokenizer) for a in parts]
    shared = [w for w in plan.content if not any(w in words for words in own)]
    projects: list[Declaration] = []
    for words in own:
        found = ctx.finder.identify(" ".join(shared + words), shared + words, "", scope)
        if found.best is None or found.best.record in projects:
            return None
        projects.append(found.best.record)
    answers = []
    for a, words, r in zip(parts, own, projects):
        rest = a.rest
        for w in words:
            rest = rest.replace(w, "")
        answers.append(answer_project(ctx, question, plan, r, [replace(a, rest=rest, part=False)]))
    codes = [r.code for r in projects]
    return _joined(question, answers), Conversation(codes, scope=codes)


def described_lookup(ctx, question: str, plan: Plan, state: Conversation, scope: Filters | None = None):
    if (several := _several_described(ctx, question, plan, scope)) is not None:
        return several
    if not plan.content and not plan.description:
        if state.codes and plan.asks_value:
            return followup_lookup(ctx, question, plan, state)
        return render.refuse(question, _NO_TARGET, kind="clarify"), Conversation()
    where = "语料中"
    if scope is None and plan.within_organisation and len(state.codes) == 1:
        department = ctx.by_code[state.codes[0]].department  # "同一个局的某某呢"
        scope, where = Filters(department=department), f"{department}的项目中"
    carried = not plan.asks_value and _asked_again(plan, state)
    # "学前的那个跟它比": a project whose name shares a stem with the one talked about comes first
    sibling = (carried or plan.against_referent) and _sibling_of(ctx, plan, state.codes[0], scope)
    found = sibling or identify(ctx, plan, scope, state)
    if found.best is None:
        reason = f"{where}没有找到与“{'、'.join(found.missing) or plan.topic}”对应的项目，无法回答。"
        return render.refuse(question, reason, [_ref(c.record) for c in found.ranked]), Conversation()
    r = found.best.record
    if plan.against_referent and r.code != state.codes[0] and (
            compared := _compared(ctx, question, plan, [r, ctx.by_code[state.codes[0]]])) is not None:
        return render.described_note(compared, r, _close_runner_up(found)), _compared_state(compared, plan, [r.code, state.codes[0]])
    # "那博物馆分馆那个呢" after a value of another project: the same value, of this one
    answer = answer_project(ctx, question, plan, r, state.asks if carried else None)
    if not answer.refused:
        answer = render.described_note(answer, r, _close_runner_up(found))
    if r.code in state.scope:  # picked out of the projects just listed: "这几个" still means all of them
        return answer, Conversation([r.code], state.filters, state.scope, state.topic, plan.asks)
    return answer, Conversation([r.code], asks=plan.asks)


def _asked_again(plan: Plan, state: Conversation) -> bool:
    """"那…呢" right after a question on one project: the same question may be meant of another."""
    return plan.followup and len(state.codes) == 1 and bool(state.asks)


def _sibling_of(ctx, plan: Plan, code: str, scope: Filters | None):
    """"学前那个呢" after 高中国家助学金: first among the projects whose names share a stem with the one
    talked about (教育发展专项资金：…助学金); None when none of them is meant."""
    name = squash(ctx.by_code[code].name)
    stems = {name[i : i + 4] for i in range(len(name) - 3)}
    siblings = tuple(r.code for r in ctx.records if r.code != code and any(s in squash(r.name) for s in stems)
                     and (scope is None or scope.accepts(r)))
    if not siblings:
        return None
    found = identify(ctx, plan, Filters(codes=siblings))
    return found if found.best is not None else None


def which_project(ctx, question: str, plan: Plan, state: Conversation):
    """"…的是什么项目": the project a description points to, named with its code. Facts the
    asker gives (部门, 金额) that leave one project decide it."""
    scoped = plan.filters.apply(ctx.records) if plan.has_filters else []
    if len(scoped) == 1 and (not plan.content or _fits_words(ctx, plan, scoped[0])):
        return _named(question, scoped[0], None), Conversation([scoped[0].code])
    if len(scoped) == 1:
        plan.filters = Filters()  # "给市委交办的合同做论证的": an organisation inside the description, no scope
    found = identify(ctx, plan, plan.filters if plan.has_filters else None, state)
    if found.best is None:
        reason = f"语料中没有找到与“{'、'.join(found.missing) or plan.topic}”对应的项目。"
        return render.refuse(question, reason, [_ref(c.record) for c in found.ranked]), Conversation()
    r = found.best.record
    return _named(question, r, _close_runner_up(found)), Conversation([r.code])


def _fits_words(ctx, plan: Plan, r: Declaration) -> bool:
    """Does the one project a scope leaves explain the question's own words?"""
    return ctx.finder.coverage(plan.content, r.code) >= thresholds().ask_coverage


def _close_runner_up(found) -> Declaration | None:
    """The next candidate, named only when it is almost as likely as the one taken."""
    if found.runner_up is not None and found.best.margin < thresholds().described_runner_up_margin:
        return found.runner_up.record
    return None


def _named(question: str, r: Declaration, runner_up: Declaration | None) -> Answer:
    text = f"是“{r.name}”（项目编号 {r.code}，{r.department}，{format_amount(r.amount_yuan)}）。"
    citations = [Citation(r.code, r.name, "name")]
    if runner_up is not None:
        text += f"\n其次相近的是：{runner_up.name}。"
        citations.append(Citation(runner_up.code, runner_up.name, "name"))
    text += f"\n来源：{cite(r, 'name')}"
    return Answer(question, text, False, "known_item", citations)


def _carried(before: Ask, topic: str) -> Ask:
    """"那宣传那部分呢" after "培训班给了多少": the same asking words, of another part."""
    tail = re.search(r"(?:安排|花|要|需要|需|给|是|有|占|列|拨|发|定)?了?(?:多少|几).*$", before.rest)
    words = topic + (tail.group(0) if tail else "")
    ask = read_ask(words, words, vocabulary())
    ask.part, ask.money = True, ask.money or before.money
    return ask


def described_or_search(ctx, question: str, plan: Plan, state: Conversation):
    """No asking word: a part of the project talked about asked like the last question, a described
    project with an indicator the question names, or a search."""
    if _asked_again(plan, state) and plan.content and (
        ctx.finder.coverage(plan.content, state.codes[0]) >= thresholds().ask_coverage
    ):
        r, asks = ctx.by_code[state.codes[0]], [_carried(a, plan.topic) for a in state.asks[:1]]
        answer = answer_project(ctx, question, plan, r, asks)
        if not answer.refused and answer.kind != "project":
            return answer, Conversation([r.code], state.filters, state.scope, state.topic, asks, state.op)
    if _asked_again(plan, state) and plan.content:
        # "那学前的呢": the same question of another project, a sibling of the one talked about first
        found = _sibling_of(ctx, plan, state.codes[0], None) or identify(ctx, plan)
        if found.best is not None and found.best.record.code != state.codes[0]:
            r = found.best.record
            answer = answer_project(ctx, question, plan, r, state.asks)
            if not answer.refused:
                return render.described_note(answer, r, None), Conversation([r.code], asks=state.asks)
    if plan.content:
        found = identify(ctx, plan)
        if found.best is not None:
            r = found.best.record
            answer = answer_project(ctx, question, plan, r)
            if not answer.refused and answer.kind != "project":
                return render.described_note(answer, r, None), Conversation([r.code])
    answer = search(ctx, question, plan, state)
    if answer.refused or not answer.citations:
        return answer, state
    # "那两个…分别是什么" answered by search: "各自多少钱" next means the projects listed; a project
    # talked about before stays the one "它" means
    listed = list(dict.fromkeys(c.code for c in answer.citations))
    return answer, Conversation(state.codes or listed, state.filters, listed, state.topic, state.asks, "list")


def search(ctx, question: str, plan: Plan, state: Conversation | None = None) -> Answer:
    if not plan.content:
        return render.refuse(question, "没有看出要查找的内容。可以问某个项目的金额、联系人、指标，或按科室、部门统计。", kind="clarify")
    t = thresholds()
    # ranked like identification (the best chunk), whose refusal gate and thresholds were fitted so
    hits = ctx.index.search(plan.topic, k=8, profile="known_item")
    if not hits:
        return render.refuse(question, "语料中没有找到相关项目。")
    entities = ctx.finder.unmatched_entities(plan.topic, hits[0].code)
    if ctx.finder.coverage(plan.content, hits[0].code) < t.search_coverage or entities:
        missing = entities or [w for w in plan.content if not ctx.finder.covered(w, hits[0].code)]
        reason = f"语料中没有与“{'、'.join(missing)}”相关的申报表。"
        return render.refuse(question, reason, [_ref(ctx.by_code[h.code]) for h in hits[:3]])
    chosen = [h for h in hits if h.score >= hits[0].score * t.search_relative_score][:5]
    lines, citations, table = ["最相关的项目："], [], []
    for h in chosen:
        r = ctx.by_code[h.code]
        label = render.FIELD_LABELS.get(h.field, h.field)
        lines.append(f"- {r.name}（{r.code}，{r.department}，{format_amount(r.amount_yuan)}）——匹配“{label}”：{h.snippet}")
        citations.append(Citation(r.code, r.name, render.citation_field(h.field)))
        table.append({"名称": r.name, "编号": r.code, "部门": r.department, "金额": format_amount(r.amount_yuan), "匹配字段": label})
    return Answer(question, "\n".join(lines), False, "search", citations, table)


def indicator_search(ctx, question: str, plan: Plan, state: Conversation):
    """Projects whose indicator table has an indicator the question names."""
    # the topic without asking words, or the whole question: "标准宗地数量" holds the asking word 数量
    phrases = [squash(re.sub(r"\d+", " ", text)) for text in (plan.topic, plan.rest) if text]
    chosen = rows_naming(plan.filters.apply(ctx.records), phrases) if phrases else []
    if not chosen:
        if plan.op or plan.has_filters:
            return aggregate(ctx, question, plan, state)
        return described_lookup(ctx, question, plan, state)
    lines = [f"有 {len(chosen)} 个项目设了相关指标："]
    table, citations = [], []
    for r, ind in chosen:
        lines.append(f"- {r.name}（{r.code}）：{ind.name}（{ind.level1}-{ind.level2 or '未分二级'}）= {ind.value_annual or '表中未填写'}")
        table.append({"名称": r.name, "编号": r.code, "三级指标": ind.name, "指标值": ind.value_annual})
        citations.append(Citation(r.code, r.name, "indicators"))
    lines.append("来源：" + "；".join(cite(r, "indicators") for r, _ in chosen))
    codes = [r.code for r, _ in chosen]
    return Answer(question, "\n".join(lines), False, "indicator_search", citations, table), Conversation(codes, scope=codes)


def drafting(ctx, question: str, plan: Plan, state: Conversation):
    from app.drafting import suggest_for_question

    return suggest_for_question(ctx, question), state


def refusal(ctx, question: str, plan: Plan, state: Conversation):
    return render.refuse(question, plan.refusal, ctx.suggest(plan.text)), state


def _ref(r: Declaration) -> dict:
    return {"code": r.code, "name": r.name}


# The router: intent → handler. Understanding names the intent; nothing else decides the route.
ROUTES = {
    "refuse": refusal,
    "lookup": lookup,
    "indicator_count": indicator_count,
    "followup_lookup": followup_lookup,
    "followup_aggregate": followup_aggregate,
    "followup_same_organisation": followup_same_organisation,
    "followup_other": followup_other,
    "followup_same_contact": followup_same_contact,
    "drafting": drafting,
    "indicator_search": indicator_search,
    "group": group,
    "lookup_in_scope": lookup_in_scope,
    "aggregate": aggregate,
    "which_project": which_project,
    "described_lookup": described_lookup,
    "described_or_search": described_or_search,
}

__all__ = ["ROUTES", "identify"]
