"""OpenAI chat-completion and embedding requests, checked field by field, and OpenAI's error shape.

Every mistake is an `ApiError` whose body is `{"error": {"message", "type", "param", "code"}}`, as OpenAI (and vLLM)
answer it, with the field in `param`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEFAULT_MAX_TOKENS = 64
# Greedy unless asked otherwise (OpenAI's default is 1): an evaluation that omits it stays reproducible.
DEFAULT_TEMPERATURE = 0.0
ROLES = ("system", "user", "assistant")


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        type_: str = "invalid_request_error",
        param: str | None = None,
        code: str | int | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.type, self.param, self.code = status, message, type_, param, code

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}


def bad(param: str, message: str) -> ApiError:
    return ApiError(400, f"{param}: {message}", param=param)


@dataclass(frozen=True)
class ChatRequest:
    model: str | None
    messages: list[dict[str, str]]
    max_tokens: int | None  # None: the server's default, capped by the context window
    temperature: float
    top_p: float
    seed: int | None
    stop: tuple[str, ...]


def _number(body: dict[str, Any], key: str, default: float, lo: float, hi: float) -> float:
    value = body.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
        raise bad(key, f"expected a number between {lo:g} and {hi:g}, got {value!r}")
    return float(value)


def _content(value: Any, where: str) -> str:
    """A string, or OpenAI's list of content parts of which only text parts are supported here."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(
        isinstance(p, dict) and p.get("type") == "text" and isinstance(p.get("text"), str) for p in value
    ):
        return "".join(p["text"] for p in value)
    raise bad(where, 'expected a string or a list of text parts ({type: "text", text})')


def parse_chat(body: Any) -> ChatRequest:
    if not isinstance(body, dict):
        raise ApiError(400, "body: expected a JSON object")
    model = body.get("model")
    if model is not None and not isinstance(model, str):
        raise bad("model", f"expected a string, got {model!r}")
    msgs = body.get("messages")
    if not isinstance(msgs, list) or not msgs:
        raise bad("messages", "expected a non-empty list of {role, content}")
    messages = []
    for i, m in enumerate(msgs):
        if not isinstance(m, dict) or m.get("role") not in ROLES:
            raise bad(f"messages[{i}]", f"expected {{role: {'|'.join(ROLES)}, content}}")
        messages.append({"role": m["role"], "content": _content(m.get("content"), f"messages[{i}].content")})
    if body.get("stream"):
        raise bad("stream", "streaming is not supported by this server")
    n = body.get("n")
    if n not in (None, 1):
        raise bad("n", f"only n=1 is supported, got {n!r}")
    key = "max_completion_tokens" if body.get("max_completion_tokens") is not None else "max_tokens"
    max_tokens = body.get(key)
    if max_tokens is not None and (isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1):
        raise bad(key, f"expected a positive integer, got {max_tokens!r}")
    seed = body.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise bad("seed", f"expected an integer, got {seed!r}")
    stop = body.get("stop")
    stops = (
        (stop,) if isinstance(stop, str) else tuple(stop) if isinstance(stop, list) else () if stop is None else None
    )
    if stops is None or len(stops) > 4 or not all(isinstance(s, str) and s for s in stops):
        raise bad("stop", f"expected a non-empty string or a list of up to 4 of them, got {stop!r}")
    return ChatRequest(
        model=model,
        messages=messages,
        max_tokens=max_tokens,
        temperature=_number(body, "temperature", DEFAULT_TEMPERATURE, 0, 2),
        top_p=_number(body, "top_p", 1.0, 0, 1) or 1.0,
        seed=seed,
        stop=stops,
    )


def parse_embeddings(body: Any) -> tuple[str | None, list[str]]:
    if not isinstance(body, dict):
        raise ApiError(400, "body: expected a JSON object")
    model = body.get("model")
    if model is not None and not isinstance(model, str):
        raise bad("model", f"expected a string, got {model!r}")
    value = body.get("input")
    texts = [value] if isinstance(value, str) else value
    if not isinstance(texts, list) or not texts or not all(isinstance(t, str) and t for t in texts):
        raise bad("input", "expected a non-empty string or a non-empty list of them")
    if body.get("encoding_format") not in (None, "float"):
        raise bad("encoding_format", 'only "float" is supported')
    return model, texts
