"""Dynamic batching: concurrent requests share one `generate`, and greedy answers equal the ones made alone."""

from __future__ import annotations

import threading

import pytest

from tailor_trainer.batcher import Batcher
from tailor_trainer.chat_models import ChatModel
from tailor_trainer.chat_request import parse_chat

QUESTIONS = [
    "What color is the sky?",
    "What color is the leaf?",
    "Is the night dark or light, and why so?",
    "snow?",
    "What color is the grape today, please?",
    "apple",
]


@pytest.fixture(scope="module")
def model(tiny_model, lora_run):
    return ChatModel(tiny_model, lora_run.output_dir, "tiny-lora")


def request(question: str, **extra):
    return parse_chat({"messages": [{"role": "user", "content": question}], "max_tokens": 10, **extra})


def concurrently(model: ChatModel, batcher: Batcher, requests) -> list:
    results: list = [None] * len(requests)
    start = threading.Barrier(len(requests))

    def one(i: int) -> None:
        start.wait()
        results[i] = model.complete(requests[i], batcher)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def test_concurrent_greedy_requests_are_batched_and_equal_the_unbatched_answers(model):
    # Prompts of different lengths (left padding) and different max_tokens and stops in one batch.
    requests = [request(q, max_tokens=4 + i, **({"stop": "is"} if i == 2 else {})) for i, q in enumerate(QUESTIONS)]
    alone = Batcher(window_s=0)
    expected = [model.complete(r, alone) for r in requests]
    assert alone.batches == [1] * len(requests)

    together = Batcher(window_s=0.5)  # wide enough that the six threads land in one batch on a loaded machine
    got = concurrently(model, together, requests)
    assert max(together.batches) > 1, together.batches
    assert got == expected
    assert [c.completion_tokens <= 4 + i for i, c in enumerate(got)] == [True] * len(got)


def test_seeded_sampling_repeats_and_is_never_batched(model):
    b = Batcher(window_s=0.2)
    seeded = [request("What color is the sun?", temperature=1.5, seed=7, max_tokens=12) for _ in range(3)]
    got = concurrently(model, b, seeded)
    assert got[0] == got[1] == got[2]
    assert b.batches == [1, 1, 1]
