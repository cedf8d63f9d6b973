"""Training progress for the workflow's `fineTuneProgress` query: a `trainerProgress` signal to the calling workflow.

A workflow cannot read its activities' heartbeats, so the step, loss and learning rate reach Tailor's fineTuneWorkflow
as signals, throttled (every `min_interval` seconds, and whenever a new checkpoint is saved) to keep its history short.
Signals are sent from the worker's event loop without blocking training; a lost one is harmless (the next replaces it).
"""
from __future__ import annotations

import asyncio
import itertools
import logging
import os
import socket
import time
import uuid
from typing import Any, Callable

from temporalio.client import Client

SIGNAL = "trainerProgress"
log = logging.getLogger(__name__)


class ProgressSignaller:
    def __init__(self, client: Client, loop: asyncio.AbstractEventLoop, min_interval: float) -> None:
        self.client = client
        self.loop = loop
        self.min_interval = min_interval
        # Signals may overtake each other; the workflow keeps the highest sequence number from this process.
        self.source = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.seq = itertools.count(1)

    def for_attempt(self, workflow_id: str, run_id: str, attempt: int) -> Callable[[dict[str, Any]], None]:
        """A callback for one activity attempt's progress reports (called from the training thread)."""
        handle = self.client.get_workflow_handle(workflow_id, run_id=run_id)
        state = {"sent_at": 0.0, "checkpoint": None}

        def notify(details: dict[str, Any]) -> None:
            now = time.monotonic()
            new_checkpoint = details.get("checkpoint") != state["checkpoint"]
            if not new_checkpoint and now - state["sent_at"] < self.min_interval:
                return
            state.update(sent_at=now, checkpoint=details.get("checkpoint"))
            payload = {**details, "attempt": attempt, "source": self.source, "seq": next(self.seq), "at": time.time()}
            fut = asyncio.run_coroutine_threadsafe(handle.signal(SIGNAL, payload), self.loop)
            fut.add_done_callback(_log_failure)

        return notify


def _log_failure(fut: "asyncio.Future[Any]") -> None:
    # The workflow may have closed (cancelled, timed out); progress is advisory, so only note it.
    if not fut.cancelled() and fut.exception() is not None:
        log.debug("progress signal not delivered: %s", fut.exception())
