"""Durable training through Temporal: SIGKILL the trainer worker mid-run and a restarted one resumes from the
checkpoint the lost attempt heartbeated; cancelling stops training and keeps the last checkpoint.

A workflow (here in Python, in production Tailor's TypeScript fineTuneWorkflow) calls the activity on the trainer's
task queue; the trainer worker is a real subprocess.
"""
from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from datetime import timedelta
from typing import Any

import pytest
from conftest import TrainerWorker, request
from temporalio import workflow
from temporalio.client import Client, WorkflowFailureError, WorkflowHandle
from temporalio.common import RetryPolicy
from temporalio.exceptions import CancelledError
from temporalio.worker import Worker

from tailor_trainer.training import STOPPED_MARKER


@workflow.defn(sandboxed=False)
class TrainOnTrainerQueue:
    @workflow.run
    async def run(self, trainer_queue: str, req: dict[str, Any]) -> dict[str, Any]:
        return await workflow.execute_activity(
            "trainSupervised",
            req,
            task_queue=trainer_queue,
            start_to_close_timeout=timedelta(minutes=10),
            heartbeat_timeout=timedelta(seconds=8),  # how soon a lost worker is noticed
            retry_policy=RetryPolicy(initial_interval=timedelta(milliseconds=200), maximum_attempts=5),
            cancellation_type=workflow.ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
        )


async def progress(handle: WorkflowHandle, client: Client) -> dict[str, Any] | None:
    """The last heartbeat the server holds for the pending training activity."""
    desc = await handle.describe()
    for pa in desc.raw_description.pending_activities:
        if pa.heartbeat_details.payloads:
            details = await client.data_converter.decode(pa.heartbeat_details.payloads)
            return details[0] | {"attempt": pa.attempt}
    return None


async def wait_for(cond, what: str, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = await cond()
        if value:
            return value
        await asyncio.sleep(0.1)
    raise TimeoutError(f"timed out waiting for {what}")


async def with_workflow_worker(address: str, body):
    client = await Client.connect(address)
    wf_queue = f"wf-{uuid.uuid4().hex[:8]}"
    async with Worker(client, task_queue=wf_queue, workflows=[TrainOnTrainerQueue]):
        return await body(client, wf_queue)


@pytest.fixture
def trainer_queue():
    return f"tailor-trainer-{uuid.uuid4().hex[:8]}"


def test_sigkill_mid_training_then_restart_resumes_from_a_checkpoint(temporal_address, tiny_model, data, tmp_path, trainer_queue):
    # Enough steps that training is still running when the first checkpoint heartbeat arrives.
    req = request(tiny_model, data["chat"], tmp_path / "adapter", "lora", maxSteps=300, checkpointEvery=10, learningRate=1e-2)
    workers = [TrainerWorker(temporal_address, trainer_queue, tmp_path / "worker1.log")]

    async def scenario(client: Client, wf_queue: str):
        handle = await client.start_workflow(TrainOnTrainerQueue.run, args=[trainer_queue, req], id=f"train-{uuid.uuid4().hex[:8]}", task_queue=wf_queue)
        workers[0].wait_polling()

        async def checkpointed():
            p = await progress(handle, client)
            return p if p and p.get("checkpoint") and p["step"] >= 10 else None

        before = await wait_for(checkpointed, "a checkpoint heartbeat")
        workers[0].kill_hard()
        assert before["step"] < 300, "training finished before the kill; raise maxSteps"
        workers.append(TrainerWorker(temporal_address, trainer_queue, tmp_path / "worker2.log"))
        result = await asyncio.wait_for(handle.result(), 240)
        return before, result

    try:
        before, result = asyncio.run(with_workflow_worker(temporal_address, scenario))
    finally:
        for w in workers:
            w.stop()
    # The retried attempt started from the heartbeated checkpoint (or a newer one), not from step 0.
    assert result["resumedFromStep"] >= int(os.path.basename(before["checkpoint"]).split("-")[1]) > 0
    assert result["steps"] == 300 and len(result["losses"]) == 300 - result["resumedFromStep"]
    assert len(result["sha256"]) == 64 and os.path.isfile(os.path.join(result["outputDir"], "adapter_model.safetensors"))
    assert "resuming from" in (tmp_path / "worker2.log").read_text()


def test_cancel_stops_training_and_keeps_the_last_checkpoint(temporal_address, tiny_model, data, tmp_path, trainer_queue):
    req = request(tiny_model, data["chat"], tmp_path / "adapter", "lora", maxSteps=5000, checkpointEvery=10)
    worker = TrainerWorker(temporal_address, trainer_queue, tmp_path / "worker.log")

    async def scenario(client: Client, wf_queue: str):
        handle = await client.start_workflow(TrainOnTrainerQueue.run, args=[trainer_queue, req], id=f"train-{uuid.uuid4().hex[:8]}", task_queue=wf_queue)
        worker.wait_polling()

        async def checkpointed():
            p = await progress(handle, client)
            return p if p and p.get("checkpoint") else None

        seen = await wait_for(checkpointed, "a checkpoint heartbeat")
        await handle.cancel()
        with pytest.raises(WorkflowFailureError) as err:
            await asyncio.wait_for(handle.result(), 60)
        assert isinstance(err.value.cause, CancelledError)
        return seen

    try:
        seen = asyncio.run(with_workflow_worker(temporal_address, scenario))
    finally:
        worker.stop()
    ckpt_dir = tmp_path / "adapter.checkpoints"
    stopped = json.loads((ckpt_dir / STOPPED_MARKER).read_text())
    assert seen["step"] <= stopped["step"] < 5000
    # the checkpoint it names is kept, complete, for a later resume
    assert stopped["checkpoint"] and os.path.isfile(os.path.join(stopped["checkpoint"], "trainer_state.json"))
    assert not (tmp_path / "adapter").exists()
