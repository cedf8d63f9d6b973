"""Dynamic batching: one thread runs every generation, several requests at a time.

Requests queue up; the worker thread takes what arrived within a few milliseconds, groups it by model and by how it
is sampled, left-pads each group and runs one `generate` for it. Each row stops on its own: at the end-of-turn
token, at its own `max_tokens`, or when one of its `stop` strings appears. Greedy rows batch freely (their results
equal the unbatched ones); sampled rows with a `seed` run alone, so the seed alone decides their answer.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import torch
from transformers import StoppingCriteria, StoppingCriteriaList

# The fast tokenizer is not safe to call from several threads at once (its padding state is shared).
TOKENIZER_LOCK = threading.Lock()


@dataclass
class Completion:
    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str


@dataclass
class Job:
    model: Any  # a ChatModel: .model, .tokenizer, .eos_ids
    kind: str  # "chat" or "embed"
    inputs: list[list[int]]  # token ids: one prompt (chat) or one per text (embed)
    max_tokens: int = 0
    temperature: float = 0.0
    top_p: float = 1.0
    seed: int | None = None
    stop: tuple[str, ...] = ()
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None

    def group(self) -> tuple[Any, ...]:
        if self.kind == "embed":
            return (id(self.model), "embed")
        if self.temperature == 0:
            return (id(self.model), "greedy")
        if self.seed is not None:
            return (id(self.model), "seeded", id(self))  # alone: batch neighbours would shift its random draws
        return (id(self.model), "sample", self.temperature, self.top_p)


class Batcher:
    def __init__(self, window_s: float = 0.02, max_batch: int = 16) -> None:
        self.window_s, self.max_batch = window_s, max_batch
        self.queue: queue.Queue[Job] = queue.Queue()
        self.batches: list[int] = []  # sizes of the batches run (tests and measurements read it)
        threading.Thread(target=self._loop, name="tailor-batcher", daemon=True).start()

    def submit(self, job: Job) -> Any:
        self.queue.put(job)
        job.done.wait()
        if job.error is not None:
            raise job.error
        return job.result

    def _collect(self) -> list[Job]:
        jobs = [self.queue.get()]
        deadline = time.monotonic() + self.window_s
        while len(jobs) < self.max_batch:
            remaining = deadline - time.monotonic()
            try:
                jobs.append(self.queue.get(timeout=remaining) if remaining > 0 else self.queue.get_nowait())
            except queue.Empty:
                break
        return jobs

    def _loop(self) -> None:
        while True:
            groups: dict[tuple[Any, ...], list[Job]] = {}
            for job in self._collect():
                groups.setdefault(job.group(), []).append(job)
            for jobs in groups.values():
                run: Callable[[list[Job]], list[Any]] = _embed if jobs[0].kind == "embed" else _generate
                try:
                    self.batches.append(len(jobs))
                    for job, result in zip(jobs, run(jobs)):
                        job.result = result
                except BaseException as e:  # noqa: BLE001 - reported to every waiting request, the thread lives on
                    for job in jobs:
                        job.error = e
                for job in jobs:
                    job.done.set()


def _left_pad(rows: list[list[int]], pad: int):
    n = max(len(r) for r in rows)
    ids = torch.tensor([[pad] * (n - len(r)) + r for r in rows], dtype=torch.long)
    mask = torch.tensor([[0] * (n - len(r)) + [1] * len(r) for r in rows], dtype=torch.long)
    return ids, mask


def _pad_id(tokenizer) -> int:
    return tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id


class _RowStops(StoppingCriteria):
    """A StoppingCriteria marking each row done at its own max_tokens or stop strings; remembers where."""

    def __init__(self, jobs: list[Job], prompt_len: int, tokenizer) -> None:
        self.jobs, self.prompt_len, self.tokenizer = jobs, prompt_len, tokenizer
        self.ended: list[tuple[int, str] | None] = [None] * len(jobs)  # (tokens generated, why)

    def __call__(self, input_ids, scores, **kw):
        done = []
        for i, job in enumerate(self.jobs):
            if self.ended[i] is None:
                new = input_ids[i, self.prompt_len :]
                if job.stop:
                    with TOKENIZER_LOCK:
                        text = self.tokenizer.decode(new, skip_special_tokens=True)
                    if any(s in text for s in job.stop):
                        self.ended[i] = (len(new), "stop")
                if self.ended[i] is None and len(new) >= job.max_tokens:
                    self.ended[i] = (len(new), "length")
            done.append(self.ended[i] is not None)
        return torch.tensor(done, dtype=torch.bool, device=input_ids.device)


def _generate(jobs: list[Job]) -> list[Completion]:
    m = jobs[0].model
    tok = m.tokenizer
    ids, mask = _left_pad([j.inputs[0] for j in jobs], _pad_id(tok))
    n = ids.shape[1]
    stops = _RowStops(jobs, n, tok)
    first = jobs[0]
    sample = first.temperature > 0
    if sample and first.seed is not None:
        torch.manual_seed(first.seed)
    with torch.no_grad():
        out = m.model.generate(
            input_ids=ids,
            attention_mask=mask,
            max_new_tokens=max(j.max_tokens for j in jobs),
            do_sample=sample,
            temperature=first.temperature if sample else None,
            top_p=first.top_p if sample else None,
            top_k=None,
            eos_token_id=m.eos_ids,
            pad_token_id=_pad_id(tok),
            stopping_criteria=StoppingCriteriaList([stops]),
        )
    results = []
    for i, job in enumerate(jobs):
        new = out[i, n:].tolist()
        ended = stops.ended[i]
        limit = ended[0] if ended else len(new)
        eos_at = next((k for k, t in enumerate(new[:limit]) if t in m.eos_ids), None)
        if eos_at is not None:
            new, finish = new[: eos_at + 1], "stop"
            content = new[:-1]
        else:
            new, finish = new[:limit], ended[1] if ended else "length"
            content = new
        with TOKENIZER_LOCK:
            text = tok.decode(content, skip_special_tokens=True)
        cut = min((k for k in (text.find(s) for s in job.stop) if k >= 0), default=-1)
        if cut >= 0:
            text, finish = text[:cut], "stop"
        results.append(Completion(text, len(job.inputs[0]), len(new), finish))
    return results


def _embed(jobs: list[Job]) -> list[list[list[float]]]:
    """Mean-pooled, L2-normalised last hidden states, one vector per text."""
    m = jobs[0].model
    rows = [r for j in jobs for r in j.inputs]
    ids, mask = _left_pad(rows, _pad_id(m.tokenizer))
    with torch.no_grad():
        hidden = m.model(input_ids=ids, attention_mask=mask, output_hidden_states=True).hidden_states[-1]
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    pooled = torch.nn.functional.normalize((hidden * weights).sum(1) / weights.sum(1), dim=-1).tolist()
    out, k = [], 0
    for j in jobs:
        out.append(pooled[k : k + len(j.inputs)])
        k += len(j.inputs)
    return out
