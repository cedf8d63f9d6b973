"""The trainer's side of the artifact store on S3 (tailor_trainer/store.py) against a real S3-compatible server: moto
(`npm run setup:stores` installs it in .tools/moto), started here on loopback."""
from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import time

import pytest

from tailor_trainer.activities import localize
from tailor_trainer.spec import SpecError
from tailor_trainer.store import StoreError, fetch_adapter, fetch_artifact, upload_adapter
from tailor_trainer.training import dir_sha256

from conftest import REPO

MOTO = REPO / ".tools" / "moto" / "bin" / "python"
LOCATION = "s3://tailor-trainer-store/team/artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    if not MOTO.exists():
        pytest.skip("moto is not installed in .tools/moto: run `npm run setup:stores`")
    port = _free_port()
    server = [str(MOTO), "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    proc = subprocess.Popen(server, stderr=subprocess.DEVNULL)
    env = {
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "TAILOR_HOME": str(tmp_path_factory.mktemp("trainer-home")),
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        for _ in range(300):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        from tailor_trainer.store import client

        c = client()
        c.create_bucket(Bucket="tailor-trainer-store")
        yield c
    finally:
        proc.terminate()
        proc.wait(10)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _put(s3, data: bytes) -> tuple[str, str]:
    sha = hashlib.sha256(data).hexdigest()
    key = f"team/artifacts/{sha[:2]}/{sha}"
    s3.put_object(Bucket="tailor-trainer-store", Key=key, Body=data)
    return key, sha


def test_a_request_by_reference_fetches_the_training_file_and_puts_folders_on_this_host(s3):
    key, sha = _put(s3, b'{"messages": []}\n')
    req = {"trainingArtifact": {"location": LOCATION, "key": key, "sha256": sha, "bytes": 17}, "outputDir": "run-1",
           "checkpointDir": ".checkpoints/run-1", "baseModelPath": "tiny"}
    local = localize(req)
    home = os.environ["TAILOR_HOME"]
    assert local["trainingFile"] == os.path.join(home, "artifacts", sha[:2], sha)
    with open(local["trainingFile"], "rb") as f:
        assert f.read() == b'{"messages": []}\n'
    assert local["outputDir"] == os.path.join(home, "adapters", "run-1")
    assert local["checkpointDir"] == os.path.join(home, "adapters", ".checkpoints", "run-1")
    # A relative folder stays inside this host's adapters folder.
    with pytest.raises(SpecError, match="outputDir: expected a folder inside"):
        localize(dict(req, outputDir="../../elsewhere"))
    # A request with local paths (one shared disk) passes through as it always did.
    assert localize({"trainingFile": "/x", "outputDir": "/y"}) == {"trainingFile": "/x", "outputDir": "/y"}


def test_bytes_that_do_not_hash_to_the_key_fail_not_retryable_and_leave_nothing(s3):
    key, sha = _put(s3, b"the real data\n")
    wrong = hashlib.sha256(b"other").hexdigest()
    with pytest.raises(StoreError) as e:
        fetch_artifact(LOCATION, key, wrong)
    assert e.value.type == "ArtifactCorrupted" and not e.value.retryable
    assert key in str(e.value) and sha in str(e.value)
    folder = os.path.join(os.environ["TAILOR_HOME"], "artifacts", wrong[:2])
    assert os.listdir(folder) == []  # no partial file, nothing under the wrong address


def test_a_missing_object_or_an_unreachable_store_is_classified(s3, monkeypatch):
    with pytest.raises(StoreError) as missing:
        fetch_artifact(LOCATION, "team/artifacts/00/" + "0" * 64, "0" * 64)
    assert missing.value.type == "ArtifactMissing" and not missing.value.retryable
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{_free_port()}")
    with pytest.raises(StoreError) as down:
        fetch_artifact(LOCATION, "team/artifacts/11/" + "1" * 64, "1" * 64)
    assert down.value.type == "ArtifactStoreUnavailable" and down.value.retryable


def test_an_adapter_goes_up_once_and_comes_back_checked_by_its_digest(s3, tmp_path):
    folder = tmp_path / "adapter"
    (folder / "sub").mkdir(parents=True)
    (folder / "adapter_config.json").write_text('{"r": 4}')
    (folder / "sub" / "weights.bin").write_bytes(os.urandom(4096))
    digest = dir_sha256(str(folder))
    uri = upload_adapter(LOCATION, str(folder), digest)
    assert uri == f"{LOCATION}/adapters/{digest}.tar"
    assert upload_adapter(LOCATION, str(folder), digest) == uri  # a retried attempt finds it there
    got = fetch_adapter(uri, str(tmp_path / "cache"))
    assert got == str(tmp_path / "cache" / digest)
    assert dir_sha256(got) == digest
    # An object under a digest its files do not hash to is refused, and no folder appears under that digest.
    fake = "f" * 64
    s3.upload_file(str(tmp_path / "cache" / digest / "adapter_config.json"), "tailor-trainer-store",
                   f"team/artifacts/adapters/{fake}.tar")
    with pytest.raises(StoreError) as e:
        fetch_adapter(f"{LOCATION}/adapters/{fake}.tar", str(tmp_path / "cache"))
    assert not e.value.retryable
    assert sorted(os.listdir(tmp_path / "cache")) == [digest]


def test_a_chat_server_on_another_host_finds_an_uploaded_adapter_by_its_digest_prefix(s3, tmp_path, monkeypatch):
    from tailor_trainer.chat_models import ModelSet

    folder = tmp_path / "trained"
    folder.mkdir()
    (folder / "adapter_config.json").write_text('{"r": 8}')
    digest = dir_sha256(str(folder))
    upload_adapter(LOCATION, str(folder), digest)
    # _find needs no model loaded: no default model, no base
    models = ModelSet(default=None, base="unused", adapters_dir=str(tmp_path / "serving-adapters"))
    assert models._find(f"self-hosted:tiny:{digest[:12]}") is None  # TAILOR_ARTIFACTS unset: local folders only
    monkeypatch.setenv("TAILOR_ARTIFACTS", LOCATION)
    found = models._find(f"self-hosted:tiny:{digest[:12]}")
    assert found == str(tmp_path / "serving-adapters" / ".store" / digest)
    assert dir_sha256(found) == digest
    assert models._find("self-hosted:tiny:" + "0" * 12) is None
