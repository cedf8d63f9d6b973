"""hyperparameters.evalCheckpoints: the trainer keeps the output as of each checkpoint (bounded, newest first), each
by its digest, for the pipeline to score (`fineTune.checkpoints: best`); with the store on S3 each is uploaded."""
from __future__ import annotations

import hashlib
import os

import pytest
from conftest import request
from temporalio.testing import ActivityEnvironment
from test_store import LOCATION, s3  # noqa: F401 - the moto fixture

from tailor_trainer.activities import TrainerActivities
from tailor_trainer.spec import SpecError, parse_request
from tailor_trainer.store import fetch_adapter
from tailor_trainer.training import TEST_HOOKS_ENV, SilentReporter, dir_sha256, kept_checkpoints, train

LORA = {"type": "lora", "rank": 4, "alpha": 8, "dropout": 0.0, "targetModules": ["q_proj", "v_proj"]}


def _lora_b(folder: str) -> list[float]:
    from safetensors.torch import load_file

    weights = load_file(os.path.join(folder, "adapter_model.safetensors"))
    return [float(t.abs().sum()) for name, t in weights.items() if "lora_B" in name]


def test_keeps_the_newest_checkpoints_outputs_each_by_its_digest(tiny_model, data, tmp_path):
    out = tmp_path / "run"
    stale = tmp_path / "run.step-99"  # left by an earlier run under this tag: not this run's
    stale.mkdir()
    req = parse_request(request(tiny_model, data["chat"], out, LORA, maxSteps=40, evalCheckpoints=3, learningRate=2e-2))
    r = train(req, "supervised", SilentReporter())
    # Saved at 10, 20, 30 and 40; the newest three stay, beside the output, so a chat server serving its folder
    # by digest finds them.
    assert [c["step"] for c in r.checkpoints] == [20, 30, 40]
    assert sorted(e for e in os.listdir(tmp_path) if ".step-" in e) == ["run.step-20", "run.step-30", "run.step-40"]
    for c in r.checkpoints:
        assert c["outputDir"] == str(tmp_path / f"run.step-{c['step']}")
        assert os.path.isfile(os.path.join(c["outputDir"], "adapter_config.json"))
        assert c["sha256"] == dir_sha256(c["outputDir"])
    assert len({c["sha256"] for c in r.checkpoints}) == 3  # training moved the weights between checkpoints
    # The last checkpoint is the output itself: the same files, the same digest, so the same model id.
    assert r.checkpoints[-1]["sha256"] == r.sha256
    assert r.to_json()["checkpoints"] == r.checkpoints
    assert r.hyperparameters["eval_checkpoints"] == 3


def test_without_eval_checkpoints_nothing_extra_is_kept(tiny_model, data, tmp_path):
    req = parse_request(request(tiny_model, data["chat"], tmp_path / "run", LORA, maxSteps=10))
    r = train(req, "supervised", SilentReporter())
    assert r.checkpoints == [] and sorted(os.listdir(tmp_path)) == ["run", "run.checkpoints"]
    assert kept_checkpoints(str(tmp_path / "run")) == []


def test_full_fine_tuning_keeps_loadable_model_folders(tiny_model, data, tmp_path):
    req = parse_request(request(tiny_model, data["chat"], tmp_path / "run", "full", maxSteps=20, evalCheckpoints=1, learningRate=2e-3))
    r = train(req, "supervised", SilentReporter())
    assert [c["step"] for c in r.checkpoints] == [20] and r.checkpoints[0]["sha256"] == r.sha256
    assert {"config.json", "model.safetensors", "tokenizer.json"} <= set(os.listdir(r.checkpoints[0]["outputDir"]))


def test_eval_checkpoints_must_be_a_count(tiny_model, data, tmp_path):
    for bad in (-1, 1.5, True):
        with pytest.raises(SpecError, match="hyperparameters.evalCheckpoints"):
            parse_request(request(tiny_model, data["chat"], tmp_path / "run", LORA, evalCheckpoints=bad))


def test_the_degrade_final_test_hook_makes_the_last_checkpoint_a_no_op(tiny_model, data, tmp_path, monkeypatch):
    monkeypatch.setenv(TEST_HOOKS_ENV, "degrade_final")
    req = parse_request(request(tiny_model, data["chat"], tmp_path / "run", LORA, maxSteps=20, evalCheckpoints=2))
    r = train(req, "supervised", SilentReporter())
    by_step = {c["step"]: c for c in r.checkpoints}
    assert sorted(by_step) == [10, 20]
    assert all(b > 0 for b in _lora_b(by_step[10]["outputDir"]))  # trained
    assert all(b == 0 for b in _lora_b(r.output_dir))  # zeroed at the last step: answers as the base model
    assert by_step[20]["sha256"] == r.sha256  # the final checkpoint was saved after the hook, like the output


def test_a_run_resumed_from_a_checkpoint_makes_the_later_ones_again(tiny_model, data, tmp_path):
    out = tmp_path / "run"
    first = parse_request(request(tiny_model, data["chat"], out, LORA, maxSteps=20, evalCheckpoints=5))
    done = train(first, "supervised", SilentReporter())
    assert [c["step"] for c in done.checkpoints] == [10, 20]
    # Resuming the same request from checkpoint-10: step 20's output is made again, from the same state.
    again = train(first, "supervised", SilentReporter(), os.path.join(first.checkpoint_dir, "checkpoint-10"))
    assert again.resumed_from_step == 10
    assert [(c["step"], c["sha256"]) for c in again.checkpoints] == [(10, done.checkpoints[0]["sha256"]), (20, again.sha256)]


def test_with_the_store_on_s3_each_checkpoint_is_uploaded_by_its_digest(s3, tiny_model, data):  # noqa: F811
    with open(data["chat"], "rb") as f:
        body = f.read()
    sha = hashlib.sha256(body).hexdigest()
    key = f"team/artifacts/{sha[:2]}/{sha}"
    s3.put_object(Bucket="tailor-trainer-store", Key=key, Body=body)
    req = {
        "trainingArtifact": {"location": LOCATION, "key": key, "sha256": sha, "bytes": len(body)},
        "outputDir": "s3-run",
        "checkpointDir": ".checkpoints/s3-run",
        "baseModelPath": tiny_model,
        "method": {"peft": LORA},
        "hyperparameters": {"batchSize": 8, "checkpointEvery": 10, "maxSteps": 20, "evalCheckpoints": 2},
    }
    out = ActivityEnvironment().run(TrainerActivities().train_supervised, req)
    assert out["outputDir"] == f"{LOCATION}/adapters/{out['sha256']}.tar"
    assert [c["step"] for c in out["checkpoints"]] == [10, 20]
    for c in out["checkpoints"]:
        assert c["outputDir"] == f"{LOCATION}/adapters/{c['sha256']}.tar"
        # A chat server on another host fetches it by that URI, checked against its digest.
        folder = fetch_adapter(c["outputDir"], os.path.join(os.environ["TAILOR_HOME"], "elsewhere"))
        assert dir_sha256(folder) == c["sha256"]
