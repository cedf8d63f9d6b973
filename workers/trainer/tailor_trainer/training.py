"""Supervised and DPO training with transformers/trl, checkpointing every N steps, resumable, stoppable between steps.

No Temporal here: progress goes to a `Reporter`, so the same code runs under the activity or directly in tests.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from .data import load_chat, load_preferences
from .spec import TrainRequest

STOPPED_MARKER = "stopped.json"
# Progress is re-sent at least this often: the SDK forwards heartbeats to the server at most every throttle interval
# (the worker's --heartbeat-throttle) and learns of a cancellation or pause in the reply, so this bounds how long a
# stop request waits for a step boundary. The calls are local and cheap.
LIVENESS_SECONDS = 0.25
# Test hooks, by name in this comma-separated variable of the trainer's environment; never set in production.
#   degrade_final  at the last step, LoRA's B matrices are zeroed: the final checkpoint and the output answer as the
#                  base model does (a stand-in for a last epoch that overfits, so the best checkpoint is an earlier one)
TEST_HOOKS_ENV = "TAILOR_TRAINER_TEST_HOOKS"


class Reporter(Protocol):
    def progress(self, details: dict[str, Any]) -> None: ...

    def should_stop(self) -> bool: ...


class SilentReporter:
    """Collects progress (tests, local runs)."""

    def __init__(self) -> None:
        self.reports: list[dict[str, Any]] = []

    def progress(self, details: dict[str, Any]) -> None:
        self.reports.append(details)

    def should_stop(self) -> bool:
        return False


@dataclass
class TrainResult:
    output_dir: str
    sha256: str
    method: str
    base_model_path: str
    trainable_params: int
    total_params: int
    steps: int
    resumed_from_step: int
    stopped: bool
    losses: list[float] = field(default_factory=list)
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    # hyperparameters.evalCheckpoints > 0: the adapters kept at the newest checkpoints, {step, sha256, outputDir}
    checkpoints: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        # camelCase for the TypeScript side
        d = asdict(self)
        return {_camel(k): v for k, v in d.items()}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(r.title() for r in rest)


def checkpoint_step(path: str) -> int:
    with open(os.path.join(path, "trainer_state.json"), encoding="utf-8") as f:
        return int(json.load(f)["global_step"])


def _complete(path: str) -> bool:
    # trainer_state.json is written last, so a save torn by a crash has none
    return os.path.isfile(os.path.join(path, "trainer_state.json"))


def _newest_complete(folder: str, at_least: int = 0) -> str | None:
    """The complete checkpoint-N folder in `folder` with the highest N >= at_least, or None."""
    found = [(int(m.group(1)), os.path.join(folder, e)) for e in os.listdir(folder) if (m := re.fullmatch(r"checkpoint-(\d+)", e))]
    complete = [c for c in found if c[0] >= at_least and _complete(c[1])]
    return max(complete)[1] if complete else None


def resume_checkpoint(details: Any) -> str | None:
    """Where a retried attempt resumes: the checkpoint the previous attempt heartbeated, or a newer complete one
    beside it (heartbeats reach the server throttled, and checkpoint rotation may have removed the named one)."""
    if not isinstance(details, dict) or not isinstance(details.get("checkpoint"), str):
        return None
    named = details["checkpoint"]
    folder, base = os.path.split(named.rstrip("/"))
    m = re.fullmatch(r"checkpoint-(\d+)", base)
    if not m or not os.path.isdir(folder):
        return named if _complete(named) else None
    return _newest_complete(folder, int(m.group(1)))


FINGERPRINT_FILE = "request.json"


def _fingerprint(req: TrainRequest, kind: str) -> dict[str, Any]:
    """What a checkpoint depends on: resuming one made under other settings would train a different model."""
    return {"kind": kind, "base": req.base_model_path, "training_file": req.training_file, "peft": asdict(req.peft), "hyper": asdict(req.hyper)}


def latest_checkpoint(req: TrainRequest, kind: str) -> str | None:
    """The newest complete checkpoint a previous activity left for this same request (a paused, cancelled or
    restarted run), or None. Checkpoints made under different settings are removed, not resumed."""
    folder = req.checkpoint_dir
    if not os.path.isdir(folder):
        return None
    try:
        with open(os.path.join(folder, FINGERPRINT_FILE), encoding="utf-8") as f:
            same = json.load(f) == json.loads(json.dumps(_fingerprint(req, kind)))
    except (OSError, ValueError):
        same = False
    if not same:
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return _newest_complete(folder)


def _write_fingerprint(req: TrainRequest, kind: str) -> None:
    os.makedirs(req.checkpoint_dir, exist_ok=True)
    tmp = os.path.join(req.checkpoint_dir, FINGERPRINT_FILE + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(_fingerprint(req, kind), f)
    os.replace(tmp, os.path.join(req.checkpoint_dir, FINGERPRINT_FILE))


def dir_sha256(root: str) -> str:
    """One digest over every file (relative path and content), stable across machines."""
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            fh = hashlib.sha256()
            with open(full, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    fh.update(chunk)
            h.update(f"{os.path.relpath(full, root)}\0{fh.hexdigest()}\n".encode())
    return h.hexdigest()


def step_output_dir(output_dir: str, step: int) -> str:
    """Where the output as of checkpoint `step` is kept: beside the final output, so a chat server serving that
    folder's outputs by digest finds it too."""
    return f"{output_dir.rstrip('/')}.step-{step}"


def kept_checkpoints(output_dir: str) -> list[tuple[int, str]]:
    """The outputs kept per checkpoint beside `output_dir`, as (step, folder), in step order."""
    parent, base = os.path.split(output_dir.rstrip("/"))
    parent = parent or "."
    if not os.path.isdir(parent):
        return []
    pattern = re.escape(base) + r"\.step-(\d+)"
    found = [(int(m.group(1)), os.path.join(parent, e)) for e in os.listdir(parent) if (m := re.fullmatch(pattern, e))]
    return sorted(found)


def _save_output(model, tokenizer, req: TrainRequest, folder: str) -> None:
    """The trained output (a LoRA adapter, or a full model with its tokenizer) written beside, then renamed: a
    reader never sees half of it. The same weights give the same files, so the same digest."""
    tmp = folder.rstrip("/") + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp)
    if req.peft.type == "full":
        tokenizer.save_pretrained(tmp)
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)


def _keep_checkpoints_callback(req: TrainRequest, tokenizer):
    from transformers import TrainerCallback

    class KeepCheckpoints(TrainerCallback):
        """At each checkpoint, the output as of that step beside the final one; the newest evalCheckpoints stay."""

        def on_save(self, args, state, control, model=None, **kw):
            _save_output(model, tokenizer, req, step_output_dir(req.output_dir, state.global_step))
            for _, old in kept_checkpoints(req.output_dir)[: -req.hyper.eval_checkpoints]:
                shutil.rmtree(old, ignore_errors=True)

    return KeepCheckpoints()


def _test_hooks() -> set[str]:
    return {h.strip() for h in os.environ.get(TEST_HOOKS_ENV, "").split(",") if h.strip()}


def _degrade_final_callback():
    from transformers import TrainerCallback

    class DegradeFinal(TrainerCallback):
        """The `degrade_final` test hook: runs after the last optimizer step, before that step's checkpoint is saved."""

        def on_step_end(self, args, state, control, model=None, **kw):
            if state.global_step < state.max_steps or model is None:
                return
            import torch

            with torch.no_grad():
                for name, p in model.named_parameters():
                    if "lora_B" in name:
                        p.zero_()

    return DegradeFinal()


def _progress_callback(reporter: Reporter, heartbeat_every: int, losses: list[float]):
    from transformers import TrainerCallback

    class Progress(TrainerCallback):
        """Heartbeats {step, loss, lr, checkpoint, tokensPerSecond, etaSeconds} every N steps and after each save;
        stops when asked.

        Between those, the last details are re-sent at least every LIVENESS_SECONDS so that slow steps (a big model,
        a loaded machine) never look like a lost worker to the heartbeat timeout.
        """

        def __init__(self) -> None:
            self.last: dict[str, Any] = {"step": 0, "loss": None, "lr": None, "checkpoint": None}
            self.last.update(tokensPerSecond=None, etaSeconds=None)
            self.stopped = False
            self.sent_at = 0.0
            self.began: tuple[float, int, int] = (0.0, 0, 0)  # this attempt's (time, step, tokens) when training began

        def send(self) -> None:
            self.sent_at = time.monotonic()
            reporter.progress(dict(self.last))

        def on_train_begin(self, args, state, control, **kw):
            # The state is restored from the checkpoint by now: speed and ETA count this attempt's steps only.
            self.began = (time.monotonic(), state.global_step, state.num_input_tokens_seen)
            self.last["maxSteps"] = state.max_steps
            self.send()

        def _speed(self, state) -> None:
            """Training tokens per second so far in this attempt, and the remaining steps times the mean step time."""
            started, step0, tokens0 = self.began
            elapsed, steps = time.monotonic() - started, state.global_step - step0
            tokens = state.num_input_tokens_seen - tokens0
            self.last["tokensPerSecond"] = round(tokens / elapsed, 2) if elapsed > 0 and tokens > 0 else None
            left = state.max_steps - state.global_step
            # Milliseconds kept: a fast step (the tiny test model) must not round a remaining step to 0 s.
            self.last["etaSeconds"] = round(left * elapsed / steps, 3) if steps > 0 else None

        def on_log(self, args, state, control, logs=None, **kw):
            if logs and "loss" in logs:
                losses.append(float(logs["loss"]))
                self.last.update(loss=float(logs["loss"]), lr=float(logs.get("learning_rate", 0.0)))

        def on_step_end(self, args, state, control, **kw):
            self.last["step"] = state.global_step
            self._speed(state)
            # When a save follows this step (should_save), on_save heartbeats instead, naming the new checkpoint.
            due = state.global_step % heartbeat_every == 0 and not control.should_save
            if due or time.monotonic() - self.sent_at > LIVENESS_SECONDS:
                self.send()
            if reporter.should_stop():
                # Stop between steps; the last checkpoint stays where it is for a later resume.
                self.stopped = True
                control.should_training_stop = True
                control.should_save = False

        def on_save(self, args, state, control, **kw):
            self.last["checkpoint"] = os.path.join(args.output_dir, f"checkpoint-{state.global_step}")
            self.send()

    return Progress()


def _count(model) -> tuple[int, int]:
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    return trainable, total


def _lora_config(req: TrainRequest):
    from peft import LoraConfig

    p = req.peft
    return LoraConfig(r=p.rank, lora_alpha=p.alpha, lora_dropout=p.dropout, target_modules=list(p.target_modules), task_type="CAUSAL_LM")


def _common_args(req: TrainRequest, n_examples: int) -> dict[str, Any]:
    h = req.hyper
    steps_per_epoch = max(1, -(-n_examples // h.batch_size))
    return dict(
        output_dir=req.checkpoint_dir,
        max_steps=h.max_steps or max(1, int(h.epochs * steps_per_epoch)),
        per_device_train_batch_size=h.batch_size,
        learning_rate=h.learning_rate,
        save_strategy="steps",
        save_steps=h.checkpoint_every,
        save_total_limit=2,
        logging_steps=1,
        report_to=[],
        disable_tqdm=True,
        seed=h.seed,
        data_seed=h.seed,
        dataloader_num_workers=0,
        use_cpu=not _has_gpu(),
        remove_unused_columns=False,
        include_num_input_tokens_seen="non_padding",  # for the progress' tokensPerSecond
    )


def _has_gpu() -> bool:
    import torch

    return torch.cuda.is_available()


def _supervised_trainer(req: TrainRequest, tokenizer, callbacks):
    import torch
    from transformers import AutoModelForCausalLM, Trainer, TrainingArguments

    examples = load_chat(req.training_file)
    rows = []
    for msgs in examples:
        # Loss on the final assistant turn only: the prompt tokens are labelled -100.
        prompt = tokenizer.apply_chat_template(msgs[:-1], add_generation_prompt=True, tokenize=False)
        full = tokenizer.apply_chat_template(msgs, tokenize=False)
        p_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
        ids = tokenizer(full, add_special_tokens=False)["input_ids"][: req.hyper.max_length]
        labels = [-100] * min(len(p_ids), len(ids)) + ids[len(p_ids):]
        rows.append({"input_ids": ids, "labels": labels})

    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id

    def collate(batch):
        n = max(len(r["input_ids"]) for r in batch)
        ids = torch.full((len(batch), n), pad, dtype=torch.long)
        labels = torch.full((len(batch), n), -100, dtype=torch.long)
        mask = torch.zeros((len(batch), n), dtype=torch.long)
        for i, r in enumerate(batch):
            k = len(r["input_ids"])
            ids[i, :k] = torch.tensor(r["input_ids"])
            labels[i, :k] = torch.tensor(r["labels"])
            mask[i, :k] = 1
        return {"input_ids": ids, "labels": labels, "attention_mask": mask}

    model = AutoModelForCausalLM.from_pretrained(req.base_model_path, local_files_only=True)
    if req.peft.type == "lora":
        from peft import get_peft_model

        model = get_peft_model(model, _lora_config(req))
    args = TrainingArguments(**_common_args(req, len(rows)))
    return Trainer(model=model, args=args, train_dataset=rows, data_collator=collate, callbacks=callbacks)


def _preference_trainer(req: TrainRequest, tokenizer, callbacks):
    from datasets import Dataset
    from transformers import AutoModelForCausalLM
    from trl import DPOConfig, DPOTrainer

    rows = load_preferences(req.training_file)
    model = AutoModelForCausalLM.from_pretrained(req.base_model_path, local_files_only=True)
    args = DPOConfig(**_common_args(req, len(rows)), beta=req.hyper.beta, max_length=req.hyper.max_length)
    return DPOTrainer(
        model=model,
        args=args,
        train_dataset=Dataset.from_list(rows),
        processing_class=tokenizer,
        callbacks=callbacks,
        peft_config=_lora_config(req) if req.peft.type == "lora" else None,
    )


def train(req: TrainRequest, kind: str, reporter: Reporter, resume_from: str | None = None) -> TrainResult:
    """kind: "supervised" or "preference". resume_from: a checkpoint folder a previous attempt left; without one, the
    newest checkpoint an earlier activity left for this same request (pause/resume, a restarted run)."""
    from transformers import AutoTokenizer
    from transformers.trainer_callback import PrinterCallback

    tokenizer = AutoTokenizer.from_pretrained(req.base_model_path, local_files_only=True)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if resume_from is None:
        resume_from = latest_checkpoint(req, kind)
    _write_fingerprint(req, kind)
    losses: list[float] = []
    progress = _progress_callback(reporter, req.hyper.heartbeat_every, losses)
    resumed = checkpoint_step(resume_from) if resume_from else 0
    for step, folder in kept_checkpoints(req.output_dir):
        if step > resumed:  # made after the checkpoint this run starts from (or by another run): made again
            shutil.rmtree(folder, ignore_errors=True)
    if resume_from:
        progress.last.update(step=resumed, checkpoint=resume_from)
    progress.send()  # loading a model takes a while: show the attempt is alive (and where it resumes)
    build = _supervised_trainer if kind == "supervised" else _preference_trainer
    callbacks: list[Any] = [progress]
    if req.hyper.eval_checkpoints:
        callbacks.append(_keep_checkpoints_callback(req, tokenizer))
    if "degrade_final" in _test_hooks():
        callbacks.insert(0, _degrade_final_callback())
    trainer = build(req, tokenizer, callbacks)
    progress.send()
    trainer.remove_callback(PrinterCallback)  # progress goes to heartbeats, not stdout
    trainer.train(resume_from_checkpoint=resume_from)
    trainable, total = _count(trainer.model)
    steps = trainer.state.global_step

    if progress.stopped:
        with open(os.path.join(req.checkpoint_dir, STOPPED_MARKER), "w", encoding="utf-8") as f:
            json.dump({"step": steps, "checkpoint": progress.last.get("checkpoint")}, f)
        return TrainResult(
            req.output_dir, "", req.peft.type, req.base_model, trainable, total, steps, resumed, True, losses
        )

    # Write beside, then rename: a retry after a crash mid-save never sees half an adapter.
    _save_output(trainer.model, tokenizer, req, req.output_dir)
    kept = kept_checkpoints(req.output_dir) if req.hyper.eval_checkpoints else []
    return TrainResult(
        output_dir=req.output_dir,
        sha256=dir_sha256(req.output_dir),
        method=req.peft.type,
        base_model_path=req.base_model,  # as requested: a catalogue name stays a name in the registry
        trainable_params=trainable,
        total_params=total,
        steps=steps,
        resumed_from_step=resumed,
        stopped=False,
        losses=losses,
        hyperparameters={"peft": asdict(req.peft), **asdict(req.hyper)},
        checkpoints=[{"step": step, "sha256": dir_sha256(folder), "outputDir": folder} for step, folder in kept],
    )
