"""Training throughput on a real model, for `npm run bench -- llm`: Tailor's trainer activity, or a plain PEFT loop.

python llm_train.py --which tailor|plain --model DIR --data FILE --out DIR [--batch 8 --rank 16 --lr 2e-4 ...]

`tailor` runs the `trainSupervised` activity exactly as the trainer worker does (tailor_trainer.activities, with
heartbeats, under temporalio's ActivityEnvironment); `plain` is the loop a PEFT user writes by hand: the same model,
LoRA settings, examples, batch size and optimizer (AdamW, gradient clipping at 1.0), prompt tokens masked. Both are
timed from loading the model to the adapter saved on disk, imports excluded, one epoch over the same examples.
Prints one JSON object: {secs, tokens, steps, losses}. Tokens are the examples' non-padding tokens (prompt and
answer, as trained), counted the same way for both.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "workers", "trainer"))

TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj"]


def load_rows(path: str) -> list[list[dict]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line)["messages"] for line in f if line.strip()]


def encode(tokenizer, examples: list[list[dict]], max_length: int) -> list[dict]:
    """The trainer's encoding (tailor_trainer/training.py): loss on the final assistant turn only."""
    rows = []
    for msgs in examples:
        prompt = tokenizer.apply_chat_template(msgs[:-1], add_generation_prompt=True, tokenize=False)
        full = tokenizer.apply_chat_template(msgs, tokenize=False)
        p_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
        ids = tokenizer(full, add_special_tokens=False)["input_ids"][:max_length]
        rows.append({"input_ids": ids, "labels": [-100] * min(len(p_ids), len(ids)) + ids[len(p_ids):]})
    return rows


def tailor(a) -> dict:
    from temporalio.testing import ActivityEnvironment

    from tailor_trainer.activities import TrainerActivities

    request = {
        "baseModelPath": a.model,
        "trainingFile": a.data,
        "outputDir": a.out,
        "checkpointDir": a.out + ".checkpoints",
        "method": {"peft": {"type": "lora", "rank": a.rank, "alpha": 2 * a.rank, "dropout": a.dropout,
                            "targetModules": TARGETS}},
        "hyperparameters": {"epochs": 1, "batchSize": a.batch, "learningRate": a.lr, "maxLength": a.max_length,
                            "seed": a.seed},
    }
    beats: list = []
    env = ActivityEnvironment()
    env.on_heartbeat = lambda *details: beats.append(details[0] if details else None)
    t0 = time.perf_counter()
    result = env.run(TrainerActivities().train_supervised, request)
    secs = time.perf_counter() - t0
    last = next((b for b in reversed(beats) if isinstance(b, dict) and b.get("tokensPerSecond")), {})
    return {"secs": secs, "steps": result["steps"], "losses": result["losses"],
            "reportedTokensPerSecond": last.get("tokensPerSecond")}


def plain(a) -> dict:
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.manual_seed(a.seed)
    t0 = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(a.model, local_files_only=True)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    model = AutoModelForCausalLM.from_pretrained(a.model, local_files_only=True)
    lora = LoraConfig(r=a.rank, lora_alpha=2 * a.rank, lora_dropout=a.dropout, target_modules=TARGETS,
                      task_type="CAUSAL_LM")
    model = get_peft_model(model, lora)
    rows = encode(tokenizer, load_rows(a.data), a.max_length)
    order = list(range(len(rows)))
    random.Random(a.seed).shuffle(order)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=a.lr, weight_decay=0.0)
    model.train()
    losses = []
    steps = 0
    for start in range(0, len(order), a.batch):
        batch = [rows[i] for i in order[start:start + a.batch]]
        n = max(len(r["input_ids"]) for r in batch)
        ids = torch.full((len(batch), n), pad, dtype=torch.long)
        labels = torch.full((len(batch), n), -100, dtype=torch.long)
        mask = torch.zeros((len(batch), n), dtype=torch.long)
        for i, r in enumerate(batch):
            k = len(r["input_ids"])
            ids[i, :k] = torch.tensor(r["input_ids"])
            labels[i, :k] = torch.tensor(r["labels"])
            mask[i, :k] = 1
        loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad()
        losses.append(float(loss))
        steps += 1
    model.save_pretrained(a.out)
    return {"secs": time.perf_counter() - t0, "steps": steps, "losses": losses}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--which", choices=["tailor", "plain"], required=True)
    p.add_argument("--model", required=True, help="a catalogue name (tailor) or its converted folder (plain)")
    p.add_argument("--model-dir", required=True, help="the converted folder, for counting tokens")
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--rank", type=int, default=16)
    p.add_argument("--dropout", type=float, default=0.05)
    p.add_argument("--lr", type=float, default=2e-4)
    p.add_argument("--max-length", type=int, default=512)
    p.add_argument("--seed", type=int, default=42)
    a = p.parse_args()
    # Both sides import what they need before the clock starts.
    import peft  # noqa: F401
    import torch  # noqa: F401
    import transformers  # noqa: F401
    from transformers import AutoTokenizer

    out = tailor(a) if a.which == "tailor" else plain(a)
    tokenizer = AutoTokenizer.from_pretrained(a.model_dir, local_files_only=True)
    out["tokens"] = sum(len(r["input_ids"]) for r in encode(tokenizer, load_rows(a.data), a.max_length))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
