"""Does another backend answer as the embedded default does? Every question of a split is asked on
both (one process, one index, the default backend on a twin of it) and the answers' JSON compared —
text, refusal, kind and citations — together with each query's hybrid top 10."""

from __future__ import annotations

from eval.questions import load_questions


def twin(index):
    """The same index on the embedded default backend (nothing rebuilt)."""
    from index.search import SearchIndex

    return SearchIndex(index.records, index.chunks, index.vectors, index.tokenizer, index.bm25, index.embedder,
                       None, index.manifest, index.forms_bm25, faiss_index=index.faiss)


def evaluate_agreement(index, split: str = "dev") -> dict:
    from app.answer import Answerer

    default = twin(index)
    ours, theirs = Answerer(index), Answerer(default)
    differences, same_answers, same_rankings = [], 0, 0
    questions = load_questions(split)
    for q in questions:
        a, b = ours.ask(q.question)[0].to_json(), theirs.ask(q.question)[0].to_json()
        same_answers += a == b
        ranked = [[h.code for h in ix.search(q.question, k=10)] for ix in (index, default)]
        same_rankings += ranked[0] == ranked[1]
        if a != b or ranked[0] != ranked[1]:
            differences.append({"id": q.id, "question": q.question, "answer": a, "default_answer": b,
                                "top10": ranked[0], "default_top10": ranked[1]})
    return {"split": split, "backend": index.backend.name, "n": len(questions), "same_answers": same_answers,
            "same_top10": same_rankings, "differences": differences}


def agreement_line(result: dict) -> str:
    return (f"{result['backend']} 与默认后端（{result['split']}，{result['n']} 题）：回答完全相同 {result['same_answers']} 题，"
            f"hybrid 前 10 名相同 {result['same_top10']} 题。")
