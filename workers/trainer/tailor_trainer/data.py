"""Training files in OpenAI's JSONL formats: chat (`messages`) for supervised, preference pairs for DPO.

Errors name the file, the line and the field.
"""
from __future__ import annotations

import json
from typing import Any

from .spec import SpecError

ROLES = ("system", "user", "assistant")


def _lines(path: str) -> list[tuple[int, dict[str, Any]]]:
    rows: list[tuple[int, dict[str, Any]]] = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise SpecError(f"{path}:{n}: not valid JSON ({e.msg})") from None
            if not isinstance(row, dict):
                raise SpecError(f"{path}:{n}: expected a JSON object")
            rows.append((n, row))
    if not rows:
        raise SpecError(f"{path}: no examples")
    return rows


def _messages(value: Any, where: str) -> list[dict[str, str]]:
    if not isinstance(value, list) or not value:
        raise SpecError(f"{where}: expected a non-empty list of messages")
    out = []
    for i, m in enumerate(value):
        if not isinstance(m, dict) or m.get("role") not in ROLES or not isinstance(m.get("content"), str):
            raise SpecError(f"{where}[{i}]: expected {{role: system|user|assistant, content: string}}")
        out.append({"role": m["role"], "content": m["content"]})
    return out


def load_chat(path: str) -> list[list[dict[str, str]]]:
    """Each example ends with the assistant turn the model learns to produce."""
    examples = []
    for n, row in _lines(path):
        msgs = _messages(row.get("messages"), f"{path}:{n}: messages")
        if msgs[-1]["role"] != "assistant":
            raise SpecError(f"{path}:{n}: messages: the last message must be the assistant's")
        examples.append(msgs)
    return examples


def load_preferences(path: str) -> list[dict[str, Any]]:
    """OpenAI's DPO rows: `input.messages`, `preferred_output`, `non_preferred_output` -> trl's conversational form."""
    rows = []
    for n, row in _lines(path):
        where = f"{path}:{n}"
        inp = row.get("input")
        if not isinstance(inp, dict):
            raise SpecError(f"{where}: input: expected an object with messages")
        rows.append(
            {
                "prompt": _messages(inp.get("messages"), f"{where}: input.messages"),
                "chosen": _messages(row.get("preferred_output"), f"{where}: preferred_output"),
                "rejected": _messages(row.get("non_preferred_output"), f"{where}: non_preferred_output"),
            }
        )
    return rows


def texts_of(path: str) -> list[str]:
    """Every message text in a chat or preference file (to train a test tokenizer on)."""
    out: list[str] = []
    for _, row in _lines(path):
        for key in ("messages", "preferred_output", "non_preferred_output"):
            out += [m.get("content", "") for m in row.get(key, []) if isinstance(m, dict)]
        out += [m.get("content", "") for m in (row.get("input") or {}).get("messages", []) if isinstance(m, dict)]
    return [t for t in out if isinstance(t, str)]
