"""The development chat server speaks vLLM's runtime LoRA API (/v1/load_lora_adapter, /v1/unload_lora_adapter).

Statuses and bodies are vLLM's (vllm/entrypoints/openai/models/serving.py), so Tailor's registration code is tested
offline against the same answers it gets from `vllm serve --enable-lora` in production.
"""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest
from conftest import running_chat_server
from sample_data import chat_rows

QUESTION = [{"role": "user", "content": "What color is the sky?"}]
TRAINED_WORDS = {w for r in chat_rows() for w in r["messages"][-1]["content"].rstrip(".").split()}


@pytest.fixture(scope="module")
def server(tiny_model):
    """Started with only the base model: no --adapter, no --adapters; adapters arrive over HTTP."""
    with running_chat_server("--base", tiny_model, "--model", "tiny-base") as url:
        yield url


def call(url: str, body: dict | None = None, content_type: str = "application/json") -> tuple[int, dict | str]:
    """Returns (status, JSON body, or the text of a plain-text body such as vLLM's "Success: ...")."""
    req = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None, headers={"content-type": content_type})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            status, ctype, raw = r.status, r.headers.get("content-type", ""), r.read()
    except urllib.error.HTTPError as e:
        status, ctype, raw = e.code, e.headers.get("content-type", ""), e.read()
    return status, json.loads(raw) if "json" in ctype else raw.decode()


def chat(server: str, model: str) -> tuple[int, dict]:
    return call(server + "/chat/completions", {"model": model, "messages": QUESTION, "max_tokens": 12})


def model_ids(server: str) -> list[str]:
    return [m["id"] for m in call(server + "/models")[1]["data"]]


def test_load_chat_and_unload_an_adapter(server, lora_run):
    status, text = call(server + "/load_lora_adapter", {"lora_name": "tailor-run-1", "lora_path": lora_run.output_dir})
    assert (status, text) == (200, "Success: LoRA adapter 'tailor-run-1' added successfully.")

    status, body = call(server + "/models")
    cards = {m["id"]: m for m in body["data"]}
    assert list(cards) == ["tiny-base", "tailor-run-1"]
    # vLLM's ModelCard for an adapter: root is its path, parent the base model it rides on
    assert cards["tailor-run-1"]["root"] == lora_run.output_dir and cards["tailor-run-1"]["parent"] == "tiny-base"
    assert cards["tiny-base"]["parent"] is None

    status, tuned = chat(server, "tailor-run-1")
    assert status == 200 and tuned["model"] == "tailor-run-1", tuned
    answer = tuned["choices"][0]["message"]["content"]
    assert TRAINED_WORDS & set(answer.split()), answer  # the random base answers byte noise; the adapter, training words
    status, base = chat(server, "tiny-base")
    assert status == 200 and base["choices"][0]["message"]["content"] != answer

    status, text = call(server + "/unload_lora_adapter", {"lora_name": "tailor-run-1"})
    assert (status, text) == (200, "Success: LoRA adapter 'tailor-run-1' removed successfully.")
    assert model_ids(server) == ["tiny-base"]
    status, body = chat(server, "tailor-run-1")
    assert status == 404, body
    assert body["error"]["code"] == "model_not_found" and body["error"]["param"] == "model"
    assert "The model `tailor-run-1` does not exist" in body["error"]["message"]


def test_a_second_load_of_a_name_is_vllms_400_unless_in_place(server, lora_run):
    load = {"lora_name": "twice", "lora_path": lora_run.output_dir}
    assert call(server + "/load_lora_adapter", load)[0] == 200
    status, body = call(server + "/load_lora_adapter", load)
    assert status == 400, body
    assert body["error"]["type"] == "InvalidUserInput" and body["error"]["code"] == 400
    assert body["error"]["message"].startswith("The lora adapter 'twice' has already been loaded.")
    # load_inplace replaces it, as in vLLM
    assert call(server + "/load_lora_adapter", {**load, "load_inplace": True})[0] == 200
    assert model_ids(server).count("twice") == 1
    assert call(server + "/unload_lora_adapter", {"lora_name": "twice"})[0] == 200


def test_concurrent_loads_of_one_name_register_it_once(server, lora_run):
    results: list[int] = []
    load = {"lora_name": "racing", "lora_path": lora_run.output_dir}
    threads = [threading.Thread(target=lambda: results.append(call(server + "/load_lora_adapter", load)[0])) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 400, 400]
    assert model_ids(server).count("racing") == 1
    assert call(server + "/unload_lora_adapter", {"lora_name": "racing"})[0] == 200


def test_a_path_without_an_adapter_is_a_404_naming_it(server, tiny_model, tmp_path):
    missing = str(tmp_path / "no-such-adapter")
    status, body = call(server + "/load_lora_adapter", {"lora_name": "ghost", "lora_path": missing})
    assert status == 404 and body["error"]["type"] == "NotFoundError", body
    assert body["error"]["message"].startswith(f"Loading lora ghost failed: No adapter found for {missing}")
    # a full model folder is not a LoRA adapter: vLLM cannot load it at runtime either
    status, body = call(server + "/load_lora_adapter", {"lora_name": "full", "lora_path": tiny_model})
    assert status == 404 and tiny_model in body["error"]["message"] and "own server" in body["error"]["message"], body
    assert model_ids(server) == ["tiny-base"]


def test_missing_or_bad_fields_are_400s_naming_the_field(server, lora_run):
    status, body = call(server + "/load_lora_adapter", {"lora_name": "x"})
    assert status == 400 and body["error"]["param"] == "lora_path" and "lora_path" in body["error"]["message"], body
    status, body = call(server + "/load_lora_adapter", {"lora_path": lora_run.output_dir})
    assert status == 400 and "lora_name" in body["error"]["message"], body
    status, body = call(server + "/load_lora_adapter", {"lora_name": "", "lora_path": lora_run.output_dir})
    assert status == 400 and "lora_name" in body["error"]["message"], body
    status, body = call(server + "/load_lora_adapter", {"lora_name": "tiny-base", "lora_path": lora_run.output_dir})
    assert status == 400 and "base model" in body["error"]["message"], body
    status, body = call(server + "/unload_lora_adapter", {})
    assert status == 400 and "lora_name" in body["error"]["message"], body
    status, body = call(server + "/load_lora_adapter", {"lora_name": "x", "lora_path": lora_run.output_dir}, content_type="text/plain")
    assert status == 415, body
    assert model_ids(server) == ["tiny-base"]


def test_unloading_an_unknown_name_is_vllms_404(server):
    status, body = call(server + "/unload_lora_adapter", {"lora_name": "never-loaded"})
    assert status == 404 and body["error"] == {"message": "The lora adapter 'never-loaded' cannot be found.", "type": "NotFoundError", "param": None, "code": 404}
