"""Full and LoRA fine-tuning and DPO on the tiny model, on CPU: the loss falls, LoRA trains a small fraction."""
from __future__ import annotations

import os
import statistics

import pytest
from conftest import request

from tailor_trainer.data import load_chat, load_preferences
from tailor_trainer.spec import SpecError, parse_request
from tailor_trainer.training import SilentReporter, dir_sha256, resume_checkpoint, train


def falls(losses: list[float], k: int = 5) -> bool:
    return statistics.mean(losses[-k:]) < 0.85 * statistics.mean(losses[:k])


def test_lora_training_lowers_the_loss_and_writes_an_adapter(lora_run):
    assert lora_run.steps == 40 and len(lora_run.losses) == 40
    assert falls(lora_run.losses), lora_run.losses
    files = set(os.listdir(lora_run.output_dir))
    assert {"adapter_config.json", "adapter_model.safetensors"} <= files
    assert lora_run.sha256 == dir_sha256(lora_run.output_dir) and len(lora_run.sha256) == 64


def test_full_training_lowers_the_loss_and_writes_a_loadable_model(full_run):
    assert full_run.steps == 40
    assert falls(full_run.losses), full_run.losses
    assert {"config.json", "model.safetensors", "tokenizer.json"} <= set(os.listdir(full_run.output_dir))


def test_lora_trains_a_small_fraction_of_the_parameters_full_trains(lora_run, full_run):
    assert full_run.trainable_params == full_run.total_params
    assert 0 < lora_run.trainable_params < 0.1 * full_run.trainable_params
    assert lora_run.to_json()["trainableParams"] == lora_run.trainable_params


def test_dpo_with_lora_raises_the_preferred_answer(tiny_model, data, tmp_path):
    req = parse_request(request(tiny_model, data["pref"], tmp_path / "dpo", "lora", maxSteps=12, batchSize=4, learningRate=1e-2, checkpointEvery=6))
    reporter = SilentReporter()
    r = train(req, "preference", reporter)
    assert reporter.reports[-1]["tokensPerSecond"] > 0  # the chosen and rejected sequences count as training tokens
    # DPO's loss starts at ln 2 (no preference) and falls as the preferred answer gains over the rejected one
    assert r.losses[0] == pytest.approx(0.693, abs=0.01)
    assert falls(r.losses, 3), r.losses
    assert os.path.isfile(os.path.join(r.output_dir, "adapter_model.safetensors"))


def test_a_run_resumes_from_a_checkpoint_and_heartbeats_it(tiny_model, data, tmp_path):
    req = parse_request(request(tiny_model, data["chat"], tmp_path / "out", "lora", maxSteps=20, checkpointEvery=10))
    first = SilentReporter()
    train(req, "supervised", first)
    named = [r["checkpoint"] for r in first.reports if r["checkpoint"]]
    assert named[-1].endswith("checkpoint-20") and all({"step", "loss", "lr"} <= set(r) for r in first.reports)
    # a newer complete checkpoint beside the heartbeated one wins (heartbeats reach the server throttled)
    assert resume_checkpoint({"checkpoint": named[0]}) == named[-1]
    more = parse_request({**req.raw, "hyperparameters": {**req.raw["hyperparameters"], "maxSteps": 30}})
    resumed = train(more, "supervised", SilentReporter(), resume_checkpoint({"checkpoint": named[-1]}))
    assert resumed.resumed_from_step == 20 and resumed.steps == 30 and len(resumed.losses) == 10


def test_bad_requests_name_the_field(tiny_model, data, tmp_path):
    good = request(tiny_model, data["chat"], tmp_path / "o", "lora")
    cases = {
        "baseModelPath": ({**good, "baseModelPath": "meta-llama/Llama-3-8B"}, "never downloaded"),
        "peft": ({**good, "method": {"peft": "qlora"}}, "method.peft.type"),
        "rank": ({**good, "method": {"peft": {"type": "lora", "rank": 0}}}, "method.peft.rank"),
        "lr": ({**good, "hyperparameters": {"learningRate": "fast"}}, "hyperparameters.learningRate"),
    }
    for bad, expected in cases.values():
        with pytest.raises(SpecError, match=expected):
            parse_request(bad)


def test_bad_training_files_name_the_line(tmp_path):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}\n{"messages": [{"role": "user", "content": "hi"}]}\n')
    with pytest.raises(SpecError, match=r"bad.jsonl:2: messages: the last message must be the assistant's"):
        load_chat(str(f))
    f.write_text("not json\n")
    with pytest.raises(SpecError, match=r"bad.jsonl:1: not valid JSON"):
        load_preferences(str(f))


class StopAfter(SilentReporter):
    """Asks training to stop at the end of step `step` (a pause or a cancellation, without Temporal)."""

    def __init__(self, step: int) -> None:
        super().__init__()
        self.step = step
        self.asked = 0

    def should_stop(self) -> bool:
        self.asked += 1  # once per step end
        return self.asked >= self.step


def test_a_later_activity_resumes_from_the_newest_checkpoint_of_the_same_request_only(tiny_model, data, tmp_path):
    # A paused (or cancelled, then restarted) run's next activity has no heartbeat to name a checkpoint: it finds one.
    req = parse_request(request(tiny_model, data["chat"], tmp_path / "out", "lora", maxSteps=30, checkpointEvery=10))
    stopped = train(req, "supervised", StopAfter(13))
    assert stopped.stopped and stopped.steps == 13
    again = train(req, "supervised", SilentReporter())
    assert again.resumed_from_step == 10 and again.steps == 30 and not again.stopped
    # Other settings make other checkpoints: those are removed, not resumed.
    changed = parse_request({**req.raw, "hyperparameters": {**req.raw["hyperparameters"], "learningRate": 1e-3}})
    assert train(changed, "supervised", StopAfter(1)).resumed_from_step == 0
    assert not any(e.startswith("checkpoint-") and int(e.split("-")[1]) > 10 for e in os.listdir(req.checkpoint_dir))


def test_progress_reports_tokens_per_second_and_an_eta(tiny_model, data, tmp_path):
    hyper = dict(maxSteps=6, checkpointEvery=3, heartbeatEvery=1)
    req = parse_request(request(tiny_model, data["chat"], tmp_path / "out", "lora", **hyper))
    reporter = SilentReporter()
    train(req, "supervised", reporter)
    before = [r for r in reporter.reports if r["step"] == 0]
    during = [r for r in reporter.reports if r["step"] >= 1]
    assert before and all(r["tokensPerSecond"] is None and r["etaSeconds"] is None for r in before)
    assert [r["step"] for r in during][-1] == 6 and all(r["tokensPerSecond"] > 0 for r in during)
    # remaining steps x mean step time: positive until the last step, then zero
    assert all(r["etaSeconds"] > 0 for r in during if r["step"] < 6) and during[-1]["etaSeconds"] == 0
