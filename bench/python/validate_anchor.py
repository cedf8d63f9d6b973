"""The anchor for `npm run bench -- validate`: OpenAI's cookbook data-prep notebook
(Chat_finetuning_data_prep.ipynb), as a script.

It runs the notebook's format checks (the seven error categories), its token counting with tiktoken
(3 tokens per message + every value encoded, +1 for `name`, +3 per example), its distributions
(min/max, mean/median, the 10th/90th percentiles it labels "p5/p95"), and its epoch and billing rule.
One deliberate change from the notebook: lines are read as a stream instead of `[json.loads(l) for l in f]`
first, so the anchor is not penalised for holding a million dicts; the per-example lists it keeps for the
distributions are the notebook's own. The encoding is a parameter (the notebook hard-codes cl100k_base;
gpt-4o and gpt-4.1 use o200k_base), so token counts can be compared with Tailor's on the same model.

Usage: python validate_anchor.py FILE [--encoding o200k_base] [--limit 65536]
Prints one JSON object. Needs tiktoken; offline, TIKTOKEN_CACHE_DIR must hold the encoding files.
"""
import argparse
import json
import sys
from collections import defaultdict

import numpy as np
import tiktoken

MAX_TOKENS_PER_EXAMPLE_DEFAULT = 65536
TARGET_EPOCHS = 3
MIN_TARGET_EXAMPLES = 100
MAX_TARGET_EXAMPLES = 25000
MIN_DEFAULT_EPOCHS = 1
MAX_DEFAULT_EPOCHS = 25


def format_errors(ex, format_errors_counts):
    if not isinstance(ex, dict):
        format_errors_counts["data_type"] += 1
        return
    messages = ex.get("messages", None)
    if not messages:
        format_errors_counts["missing_messages_list"] += 1
        return
    for message in messages:
        if "role" not in message or "content" not in message:
            format_errors_counts["message_missing_key"] += 1
        if any(k not in ("role", "content", "name", "function_call", "weight") for k in message):
            format_errors_counts["message_unrecognized_key"] += 1
        if message.get("role", None) not in ("system", "user", "assistant", "function"):
            format_errors_counts["unrecognized_role"] += 1
        content = message.get("content", None)
        function_call = message.get("function_call", None)
        if (not content and not function_call) or not isinstance(content, str):
            format_errors_counts["missing_content"] += 1
    if not any(message.get("role", None) == "assistant" for message in messages):
        format_errors_counts["example_missing_assistant_message"] += 1


def num_tokens_from_messages(encoding, messages, tokens_per_message=3, tokens_per_name=1):
    num_tokens = 0
    for message in messages:
        num_tokens += tokens_per_message
        for key, value in message.items():
            num_tokens += len(encoding.encode(value))
            if key == "name":
                num_tokens += tokens_per_name
    num_tokens += 3
    return num_tokens


def num_assistant_tokens_from_messages(encoding, messages):
    num_tokens = 0
    for message in messages:
        if message["role"] == "assistant":
            num_tokens += len(encoding.encode(message["content"]))
    return num_tokens


def distribution(values):
    if not values:
        return {"min": 0, "max": 0, "mean": 0, "median": 0, "p10": 0, "p90": 0}
    a = np.asarray(values)
    return {
        "min": int(a.min()),
        "max": int(a.max()),
        "mean": float(a.mean()),
        "median": float(np.median(a)),
        "p10": float(np.quantile(a, 0.1)),
        "p90": float(np.quantile(a, 0.9)),
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("file")
    p.add_argument("--encoding", default="o200k_base")
    p.add_argument("--limit", type=int, default=MAX_TOKENS_PER_EXAMPLE_DEFAULT)
    args = p.parse_args()
    encoding = tiktoken.get_encoding(args.encoding)

    errors = defaultdict(int)
    n_missing_system = n_missing_user = 0
    n_messages, convo_lens, assistant_message_lens = [], [], []
    examples = 0
    with open(args.file, "r", encoding="utf-8") as f:
        for line in f:
            ex = json.loads(line)
            examples += 1
            format_errors(ex, errors)
            messages = ex["messages"]
            if not any(m["role"] == "system" for m in messages):
                n_missing_system += 1
            if not any(m["role"] == "user" for m in messages):
                n_missing_user += 1
            n_messages.append(len(messages))
            convo_lens.append(num_tokens_from_messages(encoding, messages))
            assistant_message_lens.append(num_assistant_tokens_from_messages(encoding, messages))

    n_too_long = sum(l > args.limit for l in convo_lens)
    n_epochs = TARGET_EPOCHS
    if examples * TARGET_EPOCHS < MIN_TARGET_EXAMPLES:
        n_epochs = min(MAX_DEFAULT_EPOCHS, MIN_TARGET_EXAMPLES // examples)
    elif examples * TARGET_EPOCHS > MAX_TARGET_EXAMPLES:
        n_epochs = max(MIN_DEFAULT_EPOCHS, MAX_TARGET_EXAMPLES // examples)
    billing = sum(min(args.limit, length) for length in convo_lens)
    json.dump(
        {
            "examples": examples,
            "errors": dict(errors),
            "missingSystem": n_missing_system,
            "missingUser": n_missing_user,
            "messagesPerExample": distribution(n_messages),
            "tokens": {
                "total": int(sum(convo_lens)),
                "billed": int(billing),
                "perExample": distribution(convo_lens),
                "assistantPerExample": distribution(assistant_message_lens),
            },
            "overLimit": int(n_too_long),
            "epochs": n_epochs,
            "billedTokens": int(n_epochs * billing),
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
