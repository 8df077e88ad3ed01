"""Optional phrasing by a language model on an OpenAI-compatible endpoint (e.g. an intranet Qwen).

Only when JIXIAO_LLM_BASE_URL is set. The model phrases the record-based answer; every number
in its text must be backed by the cited records, and the citations are kept. Anything that
cannot be verified — or any error — falls back to the record-based answer unchanged.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import replace

from app.grounding import numbers, ungrounded
from corpus import Declaration

SYSTEM_PROMPT = (
    "你是预算绩效申报表助手。只能依据给出的申报表事实和草拟答案作答，用简洁的中文改写草拟答案。"
    "不得添加、推算或改动任何数字；不得引入事实之外的内容；保留“来源：”一行。"
)


class LLMClient:
    def __init__(self, base_url: str, model: str = "qwen", api_key: str | None = None, timeout: float = 15.0):
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self.last_error: str | None = None

    def _complete(self, messages: list[dict]) -> str:
        body = json.dumps({"model": self.model, "messages": messages, "temperature": 0}).encode("utf-8")
        request = urllib.request.Request(self.url, data=body, headers={"Content-Type": "application/json"})
        if self.api_key:
            request.add_header("Authorization", f"Bearer {self.api_key}")
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            payload = json.loads(response.read().decode("utf-8"))
        return payload["choices"][0]["message"]["content"].strip()

    def rephrase(self, answer, records: list[Declaration]):
        facts = "\n".join(r.model_dump_json(exclude={"warnings", "source"})[:4000] for r in records[:5])
        messages = [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"问题：{answer.question}\n申报表事实：\n{facts}\n草拟答案：\n{answer.answer}"},
        ]
        try:
            text = self._complete(messages)
        except (urllib.error.URLError, TimeoutError, OSError, KeyError, ValueError, IndexError) as exc:
            self.last_error = f"{type(exc).__name__}: {exc}"
            return answer
        draft_numbers = set(numbers(answer.answer))
        if not text or ungrounded(text, records, extra=draft_numbers):
            self.last_error = "model text had numbers not found in the cited records"
            return answer
        if "来源" not in text:
            source = next((line for line in answer.answer.splitlines() if line.startswith("来源")), "")
            text = f"{text}\n{source}".strip()
        self.last_error = None
        return replace(answer, answer=text)


def client_from_env() -> LLMClient | None:
    base = os.environ.get("JIXIAO_LLM_BASE_URL")
    if not base:
        return None
    return LLMClient(base, model=os.environ.get("JIXIAO_LLM_MODEL", "qwen"), api_key=os.environ.get("JIXIAO_LLM_API_KEY"))
