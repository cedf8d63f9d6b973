"""The chat server speaks OpenAI's chat completions: stop, seed, usage from the model's tokenizer, the context window,
and OpenAI's error shape for every error."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from transformers import AutoTokenizer

QUESTION = [{"role": "user", "content": "What color is the sky?"}]


@pytest.fixture(scope="module")
def server(lora_server):
    return lora_server


def call(url: str, body=None, raw: bytes | None = None) -> tuple[int, dict]:
    data = raw if raw is not None else json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def chat(server: str, **body) -> tuple[int, dict]:
    return call(server + "/chat/completions", {"model": "tiny-lora", "messages": QUESTION, **body})


def assert_openai_error(status: int, body: dict, want_status: int, param: str | None, code: str | None = None) -> str:
    assert status == want_status, body
    assert set(body) == {"error"} and set(body["error"]) == {"message", "type", "param", "code"}, body
    assert body["error"]["param"] == param and body["error"]["code"] == code, body
    assert body["error"]["type"] == "invalid_request_error" and body["error"]["message"]
    return body["error"]["message"]


def test_every_error_has_openais_shape(server):
    assert_openai_error(*call(server + "/chat/completions", raw=b"{not json"), 400, None)
    assert_openai_error(*call(server + "/chat/completions", {"messages": []}), 400, "messages")
    assert_openai_error(
        *call(server + "/chat/completions", {"messages": [{"role": "robot", "content": "x"}]}), 400, "messages[0]"
    )
    assert_openai_error(*chat(server, max_tokens=0), 400, "max_tokens")
    assert_openai_error(*chat(server, max_completion_tokens="5"), 400, "max_completion_tokens")
    assert_openai_error(*chat(server, temperature=3), 400, "temperature")
    assert_openai_error(*chat(server, stop=["a", "b", "c", "d", "e"]), 400, "stop")
    assert_openai_error(*chat(server, seed=1.5), 400, "seed")
    assert_openai_error(*chat(server, stream=True), 400, "stream")
    assert_openai_error(*chat(server, n=2), 400, "n")
    message = assert_openai_error(*chat(server, model="gpt-4o"), 404, "model", "model_not_found")
    assert "tiny-lora" in message
    assert_openai_error(*call(server + "/completions", {"prompt": "x"}), 404, None, "not_found")
    assert_openai_error(*call(server.removesuffix("/v1") + "/v2/models"), 404, None, "not_found")


def test_usage_counts_come_from_the_models_tokenizer(server, tiny_model):
    status, body = chat(server, max_tokens=5, temperature=0)
    assert status == 200, body
    tok = AutoTokenizer.from_pretrained(tiny_model)
    prompt = tok.apply_chat_template(QUESTION, add_generation_prompt=True, return_dict=True)["input_ids"]
    usage = body["usage"]
    assert usage["prompt_tokens"] == len(prompt)
    assert (
        1 <= usage["completion_tokens"] <= 5
        and usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    )
    if body["choices"][0]["finish_reason"] == "length":
        assert usage["completion_tokens"] == 5


def test_stop_cuts_the_text_and_finishes_with_stop(server):
    status, full = chat(server, max_tokens=12)
    text = full["choices"][0]["message"]["content"]
    words = text.split()
    assert status == 200 and len(words) >= 3, full  # the adapter answers "The sky is <color>."
    for stop in (words[2], [words[2], "never-there"]):
        status, cut = chat(server, max_tokens=12, stop=stop)
        choice = cut["choices"][0]
        assert status == 200 and choice["finish_reason"] == "stop", cut
        assert choice["message"]["content"] == text[: text.index(words[2])]
        assert cut["usage"]["completion_tokens"] <= full["usage"]["completion_tokens"]


def test_a_seed_makes_sampling_repeatable(server):
    answers = {
        chat(server, temperature=1.5, seed=11, max_tokens=16)[1]["choices"][0]["message"]["content"] for _ in range(2)
    }
    assert len(answers) == 1
    greedy = {chat(server, temperature=0, max_tokens=16)[1]["choices"][0]["message"]["content"] for _ in range(2)}
    assert len(greedy) == 1


def test_messages_beyond_the_context_window_are_a_400(server):
    long = [{"role": "user", "content": "sky " * 600}]  # the tiny model's window is 512 tokens
    message = assert_openai_error(
        *call(server + "/chat/completions", {"model": "tiny-lora", "messages": long}),
        400,
        "messages",
        "context_length_exceeded",
    )
    assert message.startswith("This model's maximum context length is 512 tokens. However, you requested")
    # a short prompt whose completion would not fit either
    message = assert_openai_error(*chat(server, max_tokens=600), 400, "messages", "context_length_exceeded")
    assert "600 in the completion" in message


def test_embeddings_are_normalised_vectors(server):
    status, body = call(server + "/embeddings", {"model": "tiny-lora", "input": ["the sky", "the sky", "a green leaf"]})
    assert status == 200, body
    v = [d["embedding"] for d in body["data"]]
    assert [d["index"] for d in body["data"]] == [0, 1, 2] and len(v[0]) == 128
    assert abs(sum(x * x for x in v[0]) - 1) < 1e-4
    assert v[0] == pytest.approx(v[1], abs=1e-5) and v[0] != pytest.approx(v[2], abs=1e-3)
    assert body["usage"]["prompt_tokens"] > 0
    assert_openai_error(*call(server + "/embeddings", {"input": []}), 400, "input")
