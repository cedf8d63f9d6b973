"""The catalogue's real model (SmolLM2-135M-Instruct, prepared by `npm run setup:trainer`): served through the chat
server by its catalogue name, LoRA-trained on q/k/v/o, and prepared only once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import TRAINER_DIR, request, running_chat_server

from tailor_trainer import catalog
from tailor_trainer.spec import parse_request
from tailor_trainer.training import SilentReporter, train

NAME = "smollm2-135m-instruct"


@pytest.fixture(scope="module")
def real_model() -> str:
    try:
        return catalog.path(NAME)
    except catalog.CatalogError as e:
        pytest.skip(f"the real model is not prepared here ({e})")


def post(url: str, body: dict) -> dict:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=300) as r:
        return json.load(r)


def test_the_base_model_answers_through_the_server_with_usage_counts(real_model):
    from transformers import AutoTokenizer

    question = [{"role": "user", "content": "What is the capital of France?"}]
    with running_chat_server("--base", NAME) as url:
        with urllib.request.urlopen(url + "/models", timeout=60) as r:
            assert [m["id"] for m in json.load(r)["data"]] == [NAME]
        body = post(
            url + "/chat/completions", {"model": NAME, "messages": question, "max_tokens": 12, "temperature": 0}
        )
    answer = body["choices"][0]["message"]["content"]
    assert body["model"] == NAME and "Paris" in answer, body
    # the prompt is the model's own chat template (with its default system turn), counted by its own tokenizer
    tok = AutoTokenizer.from_pretrained(real_model)
    prompt = tok.apply_chat_template(question, add_generation_prompt=True, return_dict=True)["input_ids"]
    usage = body["usage"]
    assert usage["prompt_tokens"] == len(prompt) and 1 <= usage["completion_tokens"] <= 12
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


def test_lora_on_q_k_v_o_trains_the_real_model(real_model, data, tmp_path):
    peft = {
        "type": "lora",
        "rank": 8,
        "alpha": 16,
        "dropout": 0.0,
        "targetModules": ["q_proj", "k_proj", "v_proj", "o_proj"],
    }
    req = parse_request(
        request(
            NAME, data["chat"], tmp_path / "adapter", peft, maxSteps=3, batchSize=4, learningRate=1e-3, heartbeatEvery=1
        )
    )
    reporter = SilentReporter()
    r = train(req, "supervised", reporter)
    assert r.steps == 3 and r.base_model_path == NAME and 0 < r.trainable_params < 0.01 * r.total_params
    assert all(x == x for x in r.losses) and r.losses[-1] < r.losses[0], r.losses
    assert reporter.reports[-1]["tokensPerSecond"] > 0 and reporter.reports[-1]["etaSeconds"] == 0
    assert os.path.isfile(os.path.join(r.output_dir, "adapter_model.safetensors"))


def test_preparing_again_is_a_fast_no_op(real_model):
    before = os.stat(real_model).st_mtime_ns
    started = time.monotonic()
    r = subprocess.run(
        [sys.executable, "-m", "tailor_trainer.catalog", "prepare", NAME],
        cwd=TRAINER_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0 and r.stdout.strip() == f"tailor catalog: {NAME}: ready in {real_model}", r.stderr
    assert time.monotonic() - started < 30 and os.stat(real_model).st_mtime_ns == before
