"""Finding the project a question means when it does not name it: scored candidates from the
hybrid retriever, and how much of the question's content each candidate's form explains.

The index is reached through a small protocol (records, tokenizer, search), so a test can fake it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Protocol

from app.abbreviation import abbreviates
from app.vocabulary import everyday_words, thresholds, vocabulary
from corpus import Declaration
from corpus.text import squash
from index.filters import Filters
from index.tokenize import general_frequency, general_tag

def _claimed_name(text: str) -> re.Match | None:
    """"某某大桥新建工程的电话", "帮我查下某局的某某补贴项目…": a phrase that reads as a project's name
    (not "给…的那个项目"), after any words that only ask to look it up."""
    v = vocabulary()
    text = re.sub(v.existence_opening_pattern, "", re.sub(v.request_pattern, "", squash(text)))
    return re.match(v.claimed_name_pattern, text)


def claims_name(text: str) -> bool:
    """Does the question state a project's name as if it existed ("某某停车系统建设项目申报了多少")?"""
    return _claimed_name(text) is not None


def is_filler(word: str) -> bool:
    """Everyday filler: pronouns, place and time words, adverbs…, and common verbs and adjectives."""
    tag = general_tag(word)
    if tag is None:
        return False
    v = vocabulary()
    return tag in v.filler_tags or (tag[0] in "va" and general_frequency(word) >= thresholds().common_word_frequency)


class Tokenizer(Protocol):
    def words(self, text: str) -> list[str]: ...
    def is_word(self, text: str) -> bool: ...


class SearchIndex(Protocol):
    """What answering needs of an index."""

    records: list[Declaration]
    tokenizer: Tokenizer

    def search(self, query: str, k: int = 10, mode: str = "hybrid", filters: Filters | None = None,
               profile: str | None = None) -> list: ...


@dataclass
class Candidate:
    """A project a description may mean, with how sure we are."""

    record: Declaration
    confidence: float
    coverage: float
    margin: float
    missing: list[str] = field(default_factory=list)


@dataclass
class Identification:
    best: Candidate | None  # None: no project is confidently meant
    ranked: list[Candidate] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # why not: words no form explains

    @property
    def runner_up(self) -> Candidate | None:
        return self.ranked[1] if len(self.ranked) > 1 else None


def record_text(r: Declaration) -> str:
    parts = [r.name, r.section or "", r.department, r.unit, r.project_type, r.category or "", r.basis, r.overview,
             r.legal_basis, r.feasibility, r.goal_longterm, r.goal_annual, r.remarks]
    parts += [s.content for s in r.schedule]
    parts += [f"{i.name}{i.value_annual}{i.note}" for i in r.indicators]
    return " ".join(parts)


class ProjectFinder:
    def __init__(self, index: SearchIndex):
        self.index = index
        self.records = index.records
        self.by_code = {r.code: r for r in self.records}
        self.tokenizer = index.tokenizer
        # lower case, as the tokenizer hands out words ("cod" for COD)
        self._texts = {r.code: squash(record_text(r)).lower() for r in self.records}
        self._df_cache: dict[str, int] = {}
        self._everyday = everyday_words()
        self._longest_everyday = max(map(len, self._everyday), default=0)
        suffixes = "|".join(map(re.escape, vocabulary().entity_suffixes))
        # two to four characters of its own before the kind of organisation, not across 市/的/和
        self._entity = re.compile(rf"([^\s\W\d市省县区的和与及]{{2,4}}?)(?:{suffixes})")

    # ------------------------------------------------------------------ coverage

    def covered(self, word: str, code: str) -> bool:
        """Is the word (or the form's own word for it: 老兵 → 退役士兵) in the project's text?"""
        return self.spelled_in(word, self._texts[code]) or self._literally_covered(word, code)

    def written_in(self, word: str, code: str) -> bool:
        """Is the word written, character for character, in the project's text?"""
        return word in self._texts[code]

    def spelled_in(self, word: str, text: str) -> bool:
        """Is the word in the text, as written or as the forms print it (福彩 → 福利彩票)?"""
        return word in text or any(p in text for everyday in self.everyday_in(word) for p in self._everyday[everyday])

    def everyday_in(self, text: str) -> list[str]:
        """The everyday words inside a word or a question, longest first where they overlap."""
        found: list[str] = []
        for size in range(min(self._longest_everyday, len(text)), 0, -1):
            for i in range(len(text) - size + 1):
                piece = text[i : i + size]
                if piece in self._everyday and not any(piece in f for f in found):
                    found.append(piece)
        return found

    def with_everyday_phrases(self, query: str, content: list[str]) -> list[str]:
        """Content words that are pieces of one everyday phrase of the question ("走路" + "不便")
        judged as that phrase, which the thesaurus knows, not each piece on its own."""
        phrases = [p for p in self.everyday_in(squash(query)) if len(p) > 2]
        joined: list[str] = []
        for w in content:
            phrase = next((p for p in phrases if w in p and w != p), None)
            item = phrase or w
            if item not in joined:
                joined.append(item)
        return joined

    def expanded(self, query: str) -> str:
        """The query with the printed words for its everyday ones, so the search finds forms that
        say 退役士兵 for a question that says 当兵."""
        extra = [p for e in self.everyday_in(squash(query)) for p in self._everyday[e] if p not in query]
        return " ".join([query, *dict.fromkeys(extra)]) if extra else query

    def as_printed(self, word: str, code: str) -> str:
        """The word as the project's form prints it ("厨余" → "餐厨" where the form says 餐厨)."""
        text = self._texts[code]
        if word in text:
            return word
        return next((p for everyday in self.everyday_in(word) for p in self._everyday[everyday] if p in text), word)

    def _literally_covered(self, word: str, code: str) -> bool:
        text = self._texts[code]
        if word in text:
            return True
        if len(word) == 2 and re.search(re.escape(word[0]) + "." + re.escape(word[1]), text):
            return True  # "老人" in "老年人"
        if len(word) >= 3:
            return any(word[i : i + 2] in text for i in range(len(word) - 1) if self.tokenizer.is_word(word[i : i + 2]))
        return False

    def strictly_covered(self, word: str, code: str) -> bool:
        """Every character of word explained by it, or by dictionary words inside it, found in the
        project ("防洪工程" by 防洪 + 工程; not "体育馆" by 体育 alone)."""
        text = self._texts[code]
        if word in text:
            return True
        covered = set()
        for i in range(len(word)):
            for j in range(i + 2, len(word) + 1):
                piece = word[i:j]
                if piece != word and self.tokenizer.is_word(piece) and piece in text:
                    covered.update(range(i, j))
        return len(covered) == len(word)

    def _df(self, word: str) -> int:
        if word not in self._df_cache:
            self._df_cache[word] = sum(1 for r in self.records if self.covered(word, r.code))
        return self._df_cache[word]

    def weight(self, word: str) -> float:
        """How much a word of the question says about which project is meant: rarity in the corpus.
        A word no form uses says nothing when it is everyday filler ("回来", "旁边", "自己"); things
        named and rarer actions that no form has ("地铁", "加装") tell of a project that is not there."""
        df = self._df(word)
        if df == 0 and is_filler(word):
            return 0.0
        if df == 0 and general_tag(word) is None and (core := word.strip(vocabulary().function_chars)) != word:
            # no word at all but a cut across two ("湖都" of 每个湖都…, "那座"): judged by what is left
            return self.weight(core) if len(core) >= 2 else 0.0
        return math.log((len(self.records) + 1) / (df + 0.5))

    def coverage(self, words: list[str], code: str) -> float:
        """Share of the question's content, weighted by rarity in the corpus, found in one project."""
        return self._weighted_share(words, lambda w: self.covered(w, code))

    def name_coverage(self, words: list[str], code: str) -> float:
        """The same share, found in the project's own name as written."""
        name = squash(self.by_code[code].name)
        return self._weighted_share(words, lambda w: w in name)

    def _weighted_share(self, words: list[str], found) -> float:
        weights = {w: self.weight(w) for w in words}
        total = sum(weights.values())
        return sum(wt for w, wt in weights.items() if found(w)) / total if total else 0.0

    def unmatched_entities(self, topic: str, code: str) -> list[str]:
        """Organisations the question names that the project does not mention ("人民医院";
        not a kind of school like "中小学")."""
        r = self.by_code[code]
        identity = squash(r.name + r.unit + r.department)
        unmatched = []
        actions = tuple(vocabulary().entity_action_words)
        # "项目学校": the schools of the project; "承保公司": a kind of company — no name either
        generic = set(vocabulary().generic_words) | set(vocabulary().generic_entity_words)
        text = squash(topic)
        for m in self._entity.finditer(text):
            if text[m.end() : m.end() + 1] in ("生", "习"):
                continue  # "普通高中学生", "集中学习": a word that runs on, not a school named
            own = m.group(1)  # typos and cut words tolerated: one pair of its characters is enough
            for action in actions:
                if action in own:
                    own = own[own.rindex(action) + len(action):]  # "给学校": a kind of place, no name
            if len(own) < 2 or own in generic or abbreviates(own + m.group(0)[len(m.group(1)):], r.unit):
                continue  # "特教学校" is 特殊教育学校's short name
            ordinal = re.search(r"第[一二三四五六七八九十\d]+", own)
            if ordinal and ordinal.group(0) not in identity:
                unmatched.append(m.group(0))  # 第二人民医院 is another hospital than 第四人民医院
            elif not any(own[i : i + 2] in identity for i in range(len(own) - 1)):
                unmatched.append(m.group(0))
        # "市图书馆": the city's own institution of a kind, which the project must belong to or name
        for m in re.finditer(rf"(?<=市)(?:{'|'.join(map(re.escape, vocabulary().entity_suffixes))})", text):
            if m.group(0) not in identity and m.group(0) not in unmatched:
                unmatched.append("市" + m.group(0))
        # "一中", "三中": a numbered school is 第一中学, 第三中学 — another school than the form's
        for m in re.finditer(r"(?<![其当高初集空之])([一二三四五六七八九十]{1,2})中(?![心央国期间学])", squash(topic)):
            if f"第{m.group(1)}中学" not in identity and m.group(0) not in identity:
                unmatched.append(m.group(0))
        return unmatched

    # ------------------------------------------------------------------ identification

    def identify(self, query: str, content: list[str], claim: str = "", scope: Filters | None = None) -> Identification:
        """The project a description points to, scored: coverage of the description's words by the
        form and its lead in coverage over the other retrieved projects make the confidence."""
        t = thresholds()
        # the best chunk alone: whole-form matching favours broad forms sharing a description's topic words
        content = self.with_everyday_phrases(query, content)
        expanded = self.expanded(query)
        hits = self.index.search(expanded, k=5, filters=scope, profile="known_item") if query.strip() else []
        if not hits:
            return Identification(None, [], content)
        # the words only one form has ("排污权", "用能权") rank it first lexically even where the
        # meaning-based side of the fusion is drawn elsewhere: its best lexical match is a candidate too
        seen = {h.code for h in hits}
        lexical_first = self.index.search(expanded, k=1, mode="bm25", filters=scope)
        lexical = [h for h in lexical_first if h.code not in seen]
        coverages = {h.code: self.coverage(content, h.code) if content else 0.0 for h in hits + lexical}
        ranked = [self._candidate(h, coverages, content) for h in hits[:3] + lexical]
        # the retriever's first leads unless another form explains the description clearly better
        fuller = max(ranked, key=lambda c: c.coverage)
        if fuller.coverage >= max(t.ask_coverage, ranked[0].coverage + t.described_runner_up_margin):
            ranked.remove(fuller)
            ranked.insert(0, fuller)
        if (held := self.holder_of_figures(query, scope)) is not None:
            # "每生每年 710 元的那个", "新增 7.44 亩地的": figures only one form states name that form
            ranked = [c for c in ranked if c.record.code != held] or ranked
            coverage = self.coverage(content, held) if content else 0.0
            ranked.insert(0, Candidate(self.by_code[held], max(coverage, t.described_confident), coverage, 1.0,
                                       [w for w in content if not self.covered(w, held) and self.weight(w) > 0]))
        top = ranked[0]
        if entities := self.unmatched_entities(query, top.record.code):
            return Identification(None, ranked, entities)
        if missing := self.claimed_missing(claim, content, [top.record.code]):
            # "体育馆翻修工程的电话": a name the user believes exists — all of it must be there
            return Identification(None, ranked, missing)
        if top.confidence < t.described_confident and not (
            (top.coverage >= t.semantic_floor and self.missing_words_mean(top, scope))
            or (top.coverage >= t.agreement_floor and self.retrievers_agree(top, query, scope, lexical_first))
        ):
            return Identification(None, ranked, top.missing)
        return Identification(top, ranked, [])

    def holder_of_figures(self, query: str, scope: Filters | None = None) -> str | None:
        """The one project whose form states every telling figure of the description (not years,
        not one-digit counts): figures stated by only a few forms each (``telling_figure_forms``)."""
        figures = [f for f in re.findall(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])", squash(query))
                   if not re.fullmatch(r"(?:19|20)\d\d", f) and len(f.replace(".", "")) >= 2]
        holders = [{code for code, text in self._texts.items() if self._states(text, f)} for f in dict.fromkeys(figures)]
        telling = [h for h in holders if 0 < len(h) <= thresholds().telling_figure_forms]
        if not telling:
            return None
        common = set.intersection(*telling)
        if scope is not None:
            common = {c for c in common if scope.accepts(self.by_code[c])}
        return next(iter(common)) if len(common) == 1 else None

    @staticmethod
    def _states(text: str, figure: str) -> bool:
        return re.search(rf"(?<![\d.]){re.escape(figure)}(?!\d|\.\d)", text) is not None

    def claimed_missing(self, claim: str, content: list[str], codes: list[str], literal: bool = False) -> list[str]:
        """The words of a name the question states as if it existed ("体育中心建设工程一共…") that
        none of the projects has whole (``literal``: as written, not pieced together from its
        parts); [] when no name is stated or one project has it all."""
        claimed = _claimed_name(claim) if claim else None
        if not claimed or not codes:
            return []
        # conjunctions and other filler ("既有…又有…的") name nothing that could be missing
        words = [w for w in self.tokenizer.words(claimed.group(1)) if w in content and not is_filler(w)]
        has = (lambda w, code: w in self._texts[code]) if literal else self.strictly_covered
        return min(([w for w in words if not has(w, code)] for code in codes), key=len)

    def missing_words_mean(self, top: Candidate, scope: Filters | None = None) -> bool:
        """Do the words the form lacks ("电厂", "厨余"), searched alone by meaning, lead to the same
        project? Everyday words for what the form says in its own terms do; words about something
        else lead elsewhere. (Public for calibration, which fits the coverage floor it needs.)"""
        if not top.missing:
            return False
        try:
            hits = self.index.search(" ".join(top.missing), k=1, mode="dense", filters=scope)
        except ValueError:
            return False
        return bool(hits) and hits[0].code == top.record.code

    def retrievers_agree(self, top: Candidate, query: str, scope: Filters | None = None, lexical_first=None) -> bool:
        """Do the lexical and the meaning-based retriever, each alone, put the same project first?
        A description in everyday words leaves some of its words unexplained by the form (low
        confidence) while both retrievers still agree on it; a project that is not there splits them.
        (Public for calibration, like ``missing_words_mean``; ``lexical_first`` is the lexical search
        already run, if any.)"""
        try:
            expanded = self.expanded(query)
            if lexical_first is None:
                lexical_first = self.index.search(expanded, k=1, mode="bm25", filters=scope)
            dense_first = self.index.search(expanded, k=1, mode="dense", filters=scope)
        except ValueError:
            return False
        return all(hits and hits[0].code == top.record.code for hits in (lexical_first, dense_first))

    def _candidate(self, hit, coverages: dict[str, float], content: list[str]) -> Candidate:
        t = thresholds()
        # the lead over the next best explanation among the retrieved projects: the retriever's own
        # score lead is nearly constant under rank fusion and says little
        coverage = coverages[hit.code]
        margin = max(0.0, coverage - max((c for code, c in coverages.items() if code != hit.code), default=0.0))
        confidence = t.coverage_weight * coverage + (1 - t.coverage_weight) * margin
        missing = [w for w in content if not self.covered(w, hit.code) and self.weight(w) > 0]
        return Candidate(self.by_code[hit.code], confidence, coverage, margin, missing)

    def topical(self, query: str, content: list[str]) -> list[Declaration]:
        """Every project about a topic ("养老方面的项目"), not only the best one."""
        t = thresholds()
        hits = self.index.search(query, k=20)
        if not hits or self.coverage(content, hits[0].code) < t.topical_coverage:
            return []
        top = hits[0].score
        return [self.by_code[h.code] for h in hits
                if h.score >= top * t.topical_relative_score and self.coverage(content, h.code) >= t.topical_coverage]
