"""Optional phrasing by a language model on an OpenAI-compatible endpoint (e.g. an intranet Qwen).

Only when JIXIAO_LLM_BASE_URL is set. The model phrases the record-based answer; its text is
shown only if app.grounding.verify_rephrase accepts it (every number equals a cited value,
every fact of the record-based answer kept, no links, images, HTML or instructions).
Anything else — an error, a malformed reply, a slow or hanging server — falls back to the
record-based answer unchanged, and the reason is logged.

One call has one overall deadline (connect + send + every byte of the reply); a watchdog
closes the socket when it passes, so a server that drips one byte at a time cannot hold a
request. After a timeout or connection failure the model is skipped for a while, and only a
few calls run at once, so a dead model never makes page users queue behind it.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import socket
import threading
import time
import urllib.parse
from dataclasses import replace

from app.grounding import verify_rephrase
from corpus import Declaration

log = logging.getLogger("jixiao.llm")

SYSTEM_PROMPT = (
    "你是预算绩效申报表助手。只能依据给出的申报表事实和草拟答案作答，用简洁的中文改写草拟答案。"
    "不得添加、推算或改动任何数字；不得引入事实之外的内容；不得输出链接、图片或 HTML；保留“来源：”一行。"
)
DEFAULT_DEADLINE = 4.0  # seconds for the whole call; the record-based answer is ready in milliseconds
MAX_REPLY_BYTES = 1_000_000
COOLDOWN_SECONDS = 30.0  # after the model timed out or refused connections, skip it this long
MAX_CONCURRENT = 4


class ModelError(Exception):
    """The model could not give a usable reply; the message is the logged reason."""


class LLMClient:
    def __init__(self, base_url: str, model: str = "qwen", api_key: str | None = None,
                 timeout: float = DEFAULT_DEADLINE, cooldown: float = COOLDOWN_SECONDS,
                 max_concurrent: int = MAX_CONCURRENT):
        parsed = urllib.parse.urlsplit(base_url.rstrip("/") + "/chat/completions")
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError(f"JIXIAO_LLM_BASE_URL“{base_url}”不是 http(s) 地址，例如 http://127.0.0.1:8000/v1。")
        self.url = parsed
        self.model = model
        self.api_key = api_key
        self.timeout = float(timeout)
        self.cooldown = cooldown
        self.last_error: str | None = None
        self.fallbacks = 0
        self._slots = threading.BoundedSemaphore(max_concurrent)
        self._down_until = 0.0
        self._lock = threading.Lock()

    # ------------------------------------------------------------ transport

    def _post(self, body: bytes) -> bytes:
        """POST with one overall deadline; raises ModelError with the reason."""
        u = self.url
        deadline = time.monotonic() + self.timeout
        cls = http.client.HTTPSConnection if u.scheme == "https" else http.client.HTTPConnection
        conn = cls(u.hostname, u.port, timeout=self.timeout)
        expired = threading.Event()

        def abort():  # the watchdog: a blocked read returns as soon as the socket is shut
            expired.set()
            sock = conn.sock
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        timer = threading.Timer(self.timeout, abort)
        timer.daemon = True
        timer.start()
        try:
            path = u.path + (f"?{u.query}" if u.query else "")
            headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
            if self.api_key:
                headers["Authorization"] = f"Bearer {self.api_key}"
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            if response.status != 200:
                raise ModelError(f"模型接口返回 HTTP {response.status}")
            chunks, size = [], 0
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                if conn.sock is not None:
                    conn.sock.settimeout(remaining)
                chunk = response.read1(65536) if hasattr(response, "read1") else response.read(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_REPLY_BYTES:
                    raise ModelError(f"模型回复超过 {MAX_REPLY_BYTES} 字节")
                chunks.append(chunk)
            if expired.is_set():
                raise TimeoutError
            return b"".join(chunks)
        except ModelError:
            raise
        except (TimeoutError, socket.timeout):
            raise ModelError(f"模型在 {self.timeout:g} 秒内没有答完") from None
        except (OSError, http.client.HTTPException) as exc:
            if expired.is_set():
                raise ModelError(f"模型在 {self.timeout:g} 秒内没有答完") from None
            raise ModelError(f"无法连接模型接口（{type(exc).__name__}: {exc}）") from None
        finally:
            timer.cancel()
            conn.close()

    def _complete(self, messages: list[dict]) -> str:
        body = json.dumps({"model": self.model, "messages": messages, "temperature": 0}).encode("utf-8")
        raw = self._post(body)
        try:
            payload = json.loads(raw.decode("utf-8"))
            content = payload["choices"][0]["message"]["content"]
        except (UnicodeDecodeError, ValueError, KeyError, IndexError, TypeError) as exc:
            raise ModelError(f"模型回复格式不对（{type(exc).__name__}）") from None
        if not isinstance(content, str):
            raise ModelError(f"模型回复的 content 不是文字（{type(content).__name__}）")
        return content.strip()

    # ------------------------------------------------------------ rephrasing

    def _fallback(self, answer, reason: str):
        self.last_error = reason
        with self._lock:
            self.fallbacks += 1
        log.warning("语言模型改写未采用，使用按记录生成的回答：%s（问题：%s）", reason, (answer.question or "")[:60])
        return answer

    def rephrase(self, answer, records: list[Declaration]):
        now = time.monotonic()
        if now < self._down_until:
            return self._fallback(answer, f"模型刚才不可用，{self._down_until - now:.0f} 秒内不再调用")
        if not self._slots.acquire(blocking=False):
            return self._fallback(answer, "同时调用模型的请求已满，本次不等待")
        try:
            facts = "\n".join(r.model_dump_json(exclude={"warnings", "source"})[:4000] for r in records[:5])
            messages = [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": f"问题：{answer.question}\n申报表事实：\n{facts}\n草拟答案：\n{answer.answer}"},
            ]
            try:
                text = self._complete(messages)
            except ModelError as exc:
                reason = str(exc)
                if "没有答完" in reason or "无法连接" in reason:
                    self._down_until = time.monotonic() + self.cooldown
                return self._fallback(answer, reason)
        finally:
            self._slots.release()
        cited = [(c.code, c.field) for c in answer.citations]
        try:
            problem = verify_rephrase(text, answer.answer, records, cited)
        except Exception as exc:  # a check that cannot run must not let the text through
            problem = f"核对失败（{type(exc).__name__}）"
        if problem:
            return self._fallback(answer, problem)
        source = next((line for line in answer.answer.splitlines() if line.startswith("来源")), "")
        body = "\n".join(line for line in text.splitlines() if not line.strip().startswith("来源"))
        self.last_error = None
        return replace(answer, answer=f"{body}\n{source}".strip())


def client_from_env() -> LLMClient | None:
    base = os.environ.get("JIXIAO_LLM_BASE_URL")
    if not base:
        return None
    raw = os.environ.get("JIXIAO_LLM_TIMEOUT", str(DEFAULT_DEADLINE))
    try:
        timeout = float(raw)
        if not 0 < timeout <= 120:
            raise ValueError
    except ValueError:
        raise SystemExit(f"错误：JIXIAO_LLM_TIMEOUT“{raw}”应为 0 到 120 之间的秒数。") from None
    try:
        return LLMClient(base, model=os.environ.get("JIXIAO_LLM_MODEL", "qwen"),
                         api_key=os.environ.get("JIXIAO_LLM_API_KEY"), timeout=timeout)
    except ValueError as exc:
        raise SystemExit(f"错误：{exc}") from None
