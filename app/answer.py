"""The chat brain: answers from the parsed records, exact numbers, every claim cited.

A question goes through three steps: understanding reads it into a plan (app/understand.py),
the router picks the handler the plan's intent names (app/handlers.py), and the handler computes
the answer from the records and renders it (app/render.py). When the corpus cannot support an
answer, the answer says so and offers close matches separately.
"""

from __future__ import annotations

import re

from app.answer_model import FIELD_LABELS, Answer, Citation, Conversation, cite
from app.handlers import ROUTES, identify
from app.identify import ProjectFinder, SearchIndex
from app.render import PARTS_HEAD, combined, refuse
from app.understand import understand
from app.vocabulary import thresholds, vocabulary

__all__ = ["FIELD_LABELS", "Answer", "Answerer", "Citation", "Conversation", "cite"]


class Answerer:
    """Answers questions over an index (anything with records, a tokenizer and search)."""

    def __init__(self, index: SearchIndex, llm=None):
        self.index = index
        self.records = index.records
        self.by_code = {r.code: r for r in self.records}
        self.tokenizer = index.tokenizer
        self.finder = ProjectFinder(index)
        self.llm = llm
        understand("预热", self.records)  # loads jieba's general dictionary now, not on the first question

    def plan(self, question: str, state: Conversation | None = None):
        return understand(question, self.records, self.tokenizer, state)

    def ask(self, question: str, state: Conversation | None = None) -> tuple[Answer, Conversation]:
        state = state or Conversation()
        text = (question or "").strip()
        if not text:
            return refuse(question, "问题为空。请输入想了解的内容，例如“计量业务专项经费的金额是多少？”", kind="clarify"), state
        plan = self.plan(text, state)
        answer, new_state = ROUTES[plan.intent](self, question, plan, state)
        if (sentences := self._sentences_on_other_projects(text, answer, state)) is not None:
            answer, new_state = sentences
        if answer.refused and state.codes and new_state.codes != state.codes:
            new_state = state  # a refused turn does not move the conversation off its project
        if new_state is not state and state.codes and new_state.codes and new_state.codes != state.codes:
            new_state.earlier = state.codes  # "这两个哪个大" after asking about one project, then another
        elif new_state is not state and new_state.codes == state.codes and not new_state.earlier:
            new_state.earlier = state.earlier  # a further question on the same project keeps the one before
        if new_state is not state:
            new_state.last_list = new_state.scope if len(new_state.scope) > 1 else state.last_list
            new_state.talked = list(dict.fromkeys(state.talked + new_state.codes))
        limit = thresholds().max_question_chars
        if len(text) > limit and not answer.refused:
            answer.answer = f"（问题较长，只依据前 {limit} 个字理解。）\n" + answer.answer
        if self.llm is not None and not answer.refused:
            answer = self.llm.rephrase(answer, [self.by_code[c.code] for c in answer.citations if c.code in self.by_code])
        return answer, new_state

    def _sentences_on_other_projects(self, text: str, whole: Answer, state: Conversation):
        """"甲多少钱？还有乙那个呢": sentences that each ask of a project of their own are answered one
        by one (a later one may lean on the one before), when the whole question's answer left one
        of those projects out. None when the question is one sentence or its sentences share a project."""
        sentences = [s for s in re.split(vocabulary().sentence_break_pattern, text) if len(s.strip()) >= 4]
        if len(sentences) < 2:
            return None
        answers, running = [], state
        for sentence in sentences:
            plan = self.plan(sentence, running)
            answer, running = ROUTES[plan.intent](self, sentence, plan, running)
            codes = {c.code for c in answer.citations}
            if answer.refused or answer.kind not in ("fact", "indicator", "project") or len(codes) != 1:
                return None
            answers.append((answer, codes.pop()))
        codes = [code for _, code in answers]
        if len(set(codes)) < len(codes) or set(codes) <= {c.code for c in whole.citations}:
            return None
        return combined(text, PARTS_HEAD, [a for a, _ in answers], False), Conversation(codes, scope=codes)

    def identify(self, plan, state: Conversation | None = None):
        """The project a described question points to, with every candidate's confidence (public for
        calibration: eval/calibrate.py fits the thresholds on labelled questions)."""
        return identify(self, plan, state=state)

    def suggest(self, text: str) -> list[dict]:
        """Close projects for a "您是否要找" line — never the answer."""
        try:
            hits = self.index.search(text, k=3)
        except ValueError:
            hits = []
        return [{"code": h.code, "name": h.name} for h in hits]
