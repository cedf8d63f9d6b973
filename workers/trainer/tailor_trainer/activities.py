"""The Temporal activities `trainSupervised` and `trainPreference` (DPO).

Sync activities (they run in the worker's thread pool): training is CPU/GPU-bound. A retried attempt resumes from
the checkpoint named in the previous attempt's last heartbeat; cancellation or worker shutdown stops training
between steps and keeps the last checkpoint.
"""
from __future__ import annotations

import os
from typing import Any, Callable

from temporalio import activity
from temporalio.exceptions import ApplicationError, CancelledError

from .catalog import CatalogError
from .progress_signal import ProgressSignaller
from .spec import SpecError, parse_request
from .store import StoreError, fetch_artifact, tailor_home, upload_adapter
from .training import resume_checkpoint, train


class ActivityReporter:
    def __init__(self, notify: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.notify = notify

    def progress(self, details: dict[str, Any]) -> None:
        activity.heartbeat(details)
        if self.notify:
            self.notify(details)

    def should_stop(self) -> bool:
        return activity.is_cancelled() or activity.is_worker_shutdown()


def adapters_root() -> str:
    """Where this host keeps trained outputs and checkpoints named by relative paths in a request."""
    return os.environ.get("TAILOR_TRAINER_ADAPTERS") or os.path.join(tailor_home(), "adapters")


def localize(request: Any) -> Any:
    """A request naming its training file by reference (`trainingArtifact`) and its folders relative to this host
    (the trainer on a host of its own): the file is fetched from the store into the local cache, the folders go
    under adapters_root(). A request with local paths (one shared disk) passes through unchanged."""
    if not isinstance(request, dict) or request.get("trainingArtifact") is None:
        return request
    ref = request["trainingArtifact"]
    if not isinstance(ref, dict) or not all(isinstance(ref.get(k), str) for k in ("location", "key", "sha256")):
        raise SpecError(f"trainingArtifact: expected an object with location, key and sha256, got {ref!r}")
    local = dict(request, trainingFile=fetch_artifact(ref["location"], ref["key"], ref["sha256"]))
    root = os.path.abspath(adapters_root())
    for field in ("outputDir", "checkpointDir"):
        value = request.get(field)
        if isinstance(value, str) and not os.path.isabs(value):
            local[field] = os.path.abspath(os.path.join(root, value))
            if os.path.commonpath([root, local[field]]) != root or local[field] == root:
                raise SpecError(f"{field}: expected a folder inside this trainer's adapters folder, got {value!r}")
    return local


def _run(request: Any, kind: str, signaller: ProgressSignaller | None = None) -> dict[str, Any]:
    try:
        req = parse_request(localize(request))
    except StoreError as e:
        raise ApplicationError(str(e), type=e.type, non_retryable=not e.retryable) from None
    except SpecError as e:
        raise ApplicationError(str(e), type="InvalidTrainingRequest", non_retryable=True) from None
    except CatalogError as e:  # an unknown, missing, corrupted or unprepared catalogue model: retrying cannot help
        raise ApplicationError(str(e), type=e.type, non_retryable=True) from None
    info = activity.info()
    previous = info.heartbeat_details[0] if info.heartbeat_details else None
    notify = signaller.for_attempt(info.workflow_id, info.workflow_run_id, info.attempt) if signaller and info.workflow_id else None
    resume = resume_checkpoint(previous)
    activity.logger.info("training %s (%s) attempt %d, %s", kind, req.peft.type, info.attempt, f"resuming from {resume}" if resume else "from step 0")
    try:
        # Shielded: the SDK would otherwise raise CancelledError at any point in this thread, say mid-checkpoint;
        # the callback stops training between steps instead, and the pending CancelledError is raised on exit.
        with activity.shield_thread_cancel_exception():
            result = train(req, kind, ActivityReporter(notify), resume)
    except SpecError as e:
        raise ApplicationError(str(e), type="InvalidTrainingRequest", non_retryable=True) from None
    if result.stopped:
        if activity.is_cancelled():
            raise CancelledError(f"training cancelled at step {result.steps}; checkpoints kept in {req.checkpoint_dir}")
        # Worker shutting down: a retryable failure, so another worker resumes from the checkpoint.
        raise ApplicationError(f"worker shut down at step {result.steps}; a retry resumes from the last checkpoint", type="TrainerShutdown")
    out = result.to_json()
    if isinstance(request, dict) and isinstance(request.get("trainingArtifact"), dict):
        # No shared disk: the output goes to the store, and the result names it there, not by a path on this host.
        location = request["trainingArtifact"]["location"]
        try:
            out["outputDir"] = upload_adapter(location, result.output_dir, result.sha256)
            # Each kept checkpoint too, by its own digest: a chat server on another host loads it from there.
            out["checkpoints"] = [
                {**c, "outputDir": upload_adapter(location, c["outputDir"], c["sha256"])} for c in out["checkpoints"]
            ]
        except StoreError as e:
            raise ApplicationError(str(e), type=e.type, non_retryable=not e.retryable) from None
    return out


class TrainerActivities:
    """The activities, optionally reporting progress to the calling workflow (progress_signal.py)."""

    def __init__(self, signaller: ProgressSignaller | None = None) -> None:
        self.signaller = signaller

    @activity.defn(name="trainSupervised")
    def train_supervised(self, request: dict[str, Any]) -> dict[str, Any]:
        return _run(request, "supervised", self.signaller)

    @activity.defn(name="trainPreference")
    def train_preference(self, request: dict[str, Any]) -> dict[str, Any]:
        return _run(request, "preference", self.signaller)

    def all(self) -> list[Callable[..., Any]]:
        return [self.train_supervised, self.train_preference]


ACTIVITIES = TrainerActivities().all()
