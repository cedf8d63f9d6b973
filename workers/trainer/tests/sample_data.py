"""Small deterministic training files: a pattern a tiny model learns in a few dozen steps."""
from __future__ import annotations

import json

COLORS = ["red", "green", "blue", "yellow", "purple", "orange", "black", "white"]
THINGS = ["apple", "leaf", "sky", "sun", "grape", "carrot", "night", "snow"]


def chat_rows() -> list[dict]:
    rows = []
    for i, thing in enumerate(THINGS * 4):
        color = COLORS[i % len(COLORS)]
        rows.append(
            {
                "messages": [
                    {"role": "system", "content": "Answer with one short sentence."},
                    {"role": "user", "content": f"What color is the {thing}?"},
                    {"role": "assistant", "content": f"The {thing} is {color}."},
                ]
            }
        )
    return rows


def preference_rows() -> list[dict]:
    rows = []
    for i, thing in enumerate(THINGS * 2):
        color = COLORS[i % len(COLORS)]
        rows.append(
            {
                "input": {"messages": [{"role": "user", "content": f"What color is the {thing}?"}]},
                "preferred_output": [{"role": "assistant", "content": f"The {thing} is {color}."}],
                "non_preferred_output": [{"role": "assistant", "content": "I do not know."}],
            }
        )
    return rows


def write_jsonl(path, rows: list[dict]) -> str:
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    return str(path)
