"""The training request (the activity's input) parsed from the camelCase JSON a TypeScript workflow sends.

Every mistake names its field and what was expected; the activity turns it into a non-retryable failure.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Literal

from . import catalog


class SpecError(ValueError):
    """Bad input: the message names the field and what was expected."""


DEFAULT_TARGETS = ("q_proj", "v_proj")


@dataclass(frozen=True)
class Peft:
    type: Literal["full", "lora"]
    rank: int = 8
    alpha: int = 16
    dropout: float = 0.05
    target_modules: tuple[str, ...] = DEFAULT_TARGETS


@dataclass(frozen=True)
class Hyper:
    max_steps: int | None
    epochs: float
    batch_size: int
    learning_rate: float
    checkpoint_every: int
    heartbeat_every: int
    max_length: int
    seed: int
    beta: float  # DPO only
    eval_checkpoints: int = 0  # keep an adapter per checkpoint, the newest this many, for scoring (0: none)


@dataclass(frozen=True)
class TrainRequest:
    base_model: str  # as the request names it: a catalogue name or a folder
    base_model_path: str  # the folder it resolves to
    training_file: str
    output_dir: str
    checkpoint_dir: str
    peft: Peft
    hyper: Hyper
    raw: dict[str, Any] = field(default_factory=dict, compare=False)


def _get(obj: dict[str, Any], key: str, where: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
    if key not in obj or obj[key] is None:
        if default is ...:
            raise SpecError(f"{where}{key}: required")
        return default
    value = obj[key]
    # bool is an int in Python; a flag where a number is expected is a mistake
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise SpecError(f"{where}{key}: expected {_kind_name(kind)}, got {value!r}")
    if not isinstance(value, kind):
        raise SpecError(f"{where}{key}: expected {_kind_name(kind)}, got {value!r}")
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join({"str": "a string", "int": "an integer", "float": "a number", "dict": "an object", "list": "a list"}.get(k.__name__, k.__name__) for k in kinds)


def _positive(value: float, name: str) -> None:
    if value <= 0:
        raise SpecError(f"{name}: expected a positive number, got {value!r}")


def parse_peft(value: Any) -> Peft:
    """`"full"`, `"lora"` or `{type: "lora", rank, alpha, dropout, targetModules}`."""
    if isinstance(value, str):
        value = {"type": value}
    if not isinstance(value, dict):
        raise SpecError(f"method.peft: expected \"full\", \"lora\" or an object, got {value!r}")
    kind = _get(value, "type", "method.peft.", str)
    if kind not in ("full", "lora"):
        raise SpecError(f"method.peft.type: expected \"full\" or \"lora\", got {kind!r}")
    if kind == "full":
        return Peft(type="full")
    rank = _get(value, "rank", "method.peft.", int, 8)
    alpha = _get(value, "alpha", "method.peft.", (int, float), 2 * rank)
    dropout = float(_get(value, "dropout", "method.peft.", (int, float), 0.05))
    targets = _get(value, "targetModules", "method.peft.", list, list(DEFAULT_TARGETS))
    _positive(rank, "method.peft.rank")
    _positive(alpha, "method.peft.alpha")
    if not 0 <= dropout < 1:
        raise SpecError(f"method.peft.dropout: expected a number in [0, 1), got {dropout!r}")
    if not targets or not all(isinstance(t, str) and t for t in targets):
        raise SpecError(f"method.peft.targetModules: expected a non-empty list of module names, got {targets!r}")
    return Peft(type="lora", rank=rank, alpha=int(alpha), dropout=dropout, target_modules=tuple(targets))


def parse_hyper(value: Any) -> Hyper:
    value = value or {}
    if not isinstance(value, dict):
        raise SpecError(f"hyperparameters: expected an object, got {value!r}")
    w = "hyperparameters."
    h = Hyper(
        max_steps=_get(value, "maxSteps", w, int, None),
        epochs=float(_get(value, "epochs", w, (int, float), 1)),
        batch_size=_get(value, "batchSize", w, int, 4),
        learning_rate=float(_get(value, "learningRate", w, (int, float), 2e-4)),
        checkpoint_every=_get(value, "checkpointEvery", w, int, 50),
        heartbeat_every=_get(value, "heartbeatEvery", w, int, 0),
        max_length=_get(value, "maxLength", w, int, 512),
        seed=_get(value, "seed", w, int, 42),
        beta=float(_get(value, "beta", w, (int, float), 0.1)),
        eval_checkpoints=_get(value, "evalCheckpoints", w, int, 0),
    )
    for name in ("epochs", "batch_size", "learning_rate", "checkpoint_every", "max_length", "beta"):
        _positive(getattr(h, name), w + _camel(name))
    if h.max_steps is not None:
        _positive(h.max_steps, w + "maxSteps")
    if h.eval_checkpoints < 0:
        raise SpecError(f"{w}evalCheckpoints: expected 0 (none) or a positive integer, got {h.eval_checkpoints}")
    if h.heartbeat_every < 0:
        raise SpecError(f"{w}heartbeatEvery: expected 0 (= checkpointEvery) or a positive integer, got {h.heartbeat_every}")
    if h.heartbeat_every == 0:
        h = Hyper(**{**h.__dict__, "heartbeat_every": h.checkpoint_every})
    return h


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(r.title() for r in rest)


def parse_request(value: Any) -> TrainRequest:
    if not isinstance(value, dict):
        raise SpecError(f"training request: expected an object, got {type(value).__name__}")
    given = _get(value, "baseModelPath", "", str)
    # A catalogue name (catalog.py) stands for its converted folder; errors there carry their own failure type.
    base = catalog.resolve(given)
    if not os.path.isdir(base) or not os.path.isfile(os.path.join(base, "config.json")):
        # Local paths only: a hub id would mean a download at run time.
        raise SpecError(f"baseModelPath: expected a local model folder with config.json, got {base!r} (models are never downloaded at run time)")
    training_file = _get(value, "trainingFile", "", str)
    if not os.path.isfile(training_file):
        raise SpecError(f"trainingFile: no such file {training_file!r}")
    output_dir = _get(value, "outputDir", "", str)
    method = _get(value, "method", "", dict, {})
    return TrainRequest(
        base_model=given,
        base_model_path=base,
        training_file=training_file,
        output_dir=output_dir,
        checkpoint_dir=_get(value, "checkpointDir", "", str, output_dir.rstrip("/") + ".checkpoints"),
        peft=parse_peft(method.get("peft", "lora")),
        hyper=parse_hyper(value.get("hyperparameters")),
        raw=value,
    )
