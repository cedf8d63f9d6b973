"""The development chat server answers OpenAI-style requests with base + trained LoRA adapter."""
from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

import pytest
from conftest import running_chat_server
from sample_data import chat_rows


@pytest.fixture(scope="module")
def server(lora_server):
    return lora_server


def call(url: str, body: dict | None = None) -> tuple[int, dict]:
    req = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def test_lists_the_model(server):
    status, body = call(server + "/models")
    assert status == 200 and [m["id"] for m in body["data"]] == ["tiny-lora"]


def test_answers_a_chat_completion_with_the_adapter(server, lora_run):
    status, body = call(server + "/chat/completions", {"model": "tiny-lora", "messages": [{"role": "user", "content": "What color is the sky?"}], "max_tokens": 12})
    assert status == 200, body
    choice = body["choices"][0]
    assert choice["message"]["role"] == "assistant" and isinstance(choice["message"]["content"], str)
    assert body["usage"]["completion_tokens"] >= 1 and body["usage"]["prompt_tokens"] > 1
    assert choice["finish_reason"] in ("stop", "length")
    # the random base model answers byte noise; with the adapter, words of the training answers come out
    trained_words = {w for r in chat_rows() for w in r["messages"][-1]["content"].rstrip(".").split()}
    assert trained_words & set(choice["message"]["content"].split()), choice["message"]["content"]


def test_rejects_bad_requests_with_a_message(server):
    status, body = call(server + "/chat/completions", {"messages": []})
    assert status == 400 and "messages" in body["error"]["message"]
    status, body = call(server + "/chat/completions", {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]})
    assert status == 404 and "tiny-lora" in body["error"]["message"]


@pytest.fixture(scope="module")
def adapters_server(tiny_model, lora_run):
    """Started with only the base model; the trained adapter is found in --adapters by its digest on first use."""
    with running_chat_server("--base", tiny_model, "--model", "tiny-base", "--adapters", os.path.dirname(lora_run.output_dir)) as url:
        yield url


def test_serves_a_trained_adapter_named_by_its_digest(adapters_server, lora_run):
    model = f"self-hosted:tiny-base:{lora_run.sha256[:12]}"
    status, body = call(adapters_server + "/chat/completions", {"model": model, "messages": [{"role": "user", "content": "What color is the sky?"}], "max_tokens": 12})
    assert status == 200 and body["model"] == model, body
    trained_words = {w for r in chat_rows() for w in r["messages"][-1]["content"].rstrip(".").split()}
    assert trained_words & set(body["choices"][0]["message"]["content"].split()), body
    assert [m["id"] for m in call(adapters_server + "/models")[1]["data"]] == ["tiny-base", model]
    # an unknown digest is a 404 that says how models are named
    status, body = call(adapters_server + "/chat/completions", {"model": "self-hosted:tiny-base:0123456789ab", "messages": [{"role": "user", "content": "hi"}]})
    assert status == 404 and "sha12" in body["error"]["message"]
