"""The models a chat server answers for: its base model, adapters registered at runtime, trained outputs by digest."""

from __future__ import annotations

import os
import threading
from typing import Any

from .batcher import TOKENIZER_LOCK, Batcher, Completion, Job
from .chat_request import DEFAULT_MAX_TOKENS, ApiError, ChatRequest


class ChatModel:
    def __init__(self, base: str, adapter: str | None, name: str, tokenizer=None) -> None:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.name = name
        self.path = adapter or base  # what /v1/models reports as the model's root
        self.is_adapter = bool(adapter)
        self.tokenizer = tokenizer or AutoTokenizer.from_pretrained(
            adapter if adapter and _has_tokenizer(adapter) else base, local_files_only=True
        )
        model = AutoModelForCausalLM.from_pretrained(base, local_files_only=True)
        if adapter:
            from peft import PeftModel

            model = PeftModel.from_pretrained(model, adapter, local_files_only=True)
        self.model = model.eval()
        eos = model.generation_config.eos_token_id
        self.eos_ids = sorted(
            {*(eos if isinstance(eos, list) else [eos] if eos is not None else []), self.tokenizer.eos_token_id}
            - {None}
        )
        self.context_window = int(
            getattr(model.config, "max_position_embeddings", 0) or self.tokenizer.model_max_length
        )

    def prompt_ids(self, messages: list[dict[str, str]]) -> list[int]:
        with TOKENIZER_LOCK:
            enc = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_dict=True)
        return list(enc["input_ids"])

    def complete(self, req: ChatRequest, batcher: Batcher) -> Completion:
        ids = self.prompt_ids(req.messages)
        room = self.context_window - len(ids)
        wanted = req.max_tokens if req.max_tokens is not None else min(DEFAULT_MAX_TOKENS, room)
        if wanted > room or room < 1:
            raise ApiError(
                400,
                f"This model's maximum context length is {self.context_window} tokens. However, you requested "
                f"{len(ids) + max(wanted, 1)} tokens ({len(ids)} in the messages, {max(wanted, 1)} in the completion). "
                "Please reduce the length of the messages or completion.",
                param="messages",
                code="context_length_exceeded",
            )
        job = Job(
            self,
            "chat",
            [ids],
            max_tokens=wanted,
            temperature=req.temperature,
            top_p=req.top_p,
            seed=req.seed,
            stop=req.stop,
        )
        return batcher.submit(job)

    def embed(self, texts: list[str], batcher: Batcher) -> tuple[list[list[float]], int]:
        with TOKENIZER_LOCK:
            rows = [list(self.tokenizer(t, add_special_tokens=False)["input_ids"]) for t in texts]
        for i, r in enumerate(rows):
            if len(r) > self.context_window:
                raise ApiError(
                    400,
                    f"input[{i}]: {len(r)} tokens, more than this model's maximum context length "
                    f"of {self.context_window}",
                    param="input",
                    code="context_length_exceeded",
                )
        return batcher.submit(Job(self, "embed", rows)), sum(len(r) for r in rows)


class ModelSet:
    """The model the server was started with, adapters registered at runtime by name, and trained outputs in an
    adapters folder, found by digest prefix."""

    def __init__(self, default: ChatModel, base: str, adapters_dir: str | None) -> None:
        self.default = default
        self.base = base
        self.adapters_dir = adapters_dir
        self.registered: dict[str, ChatModel] = {}  # POST /v1/load_lora_adapter
        self.loaded: dict[str, ChatModel] = {}  # found in adapters_dir by digest
        self.digests: dict[str, tuple[float, str]] = {}  # folder -> (mtime, sha256): hashed once per version
        self.lock = threading.Lock()
        # Serialises load/unload so "already loaded?" and the insert are one step; chats never wait on it (they read
        # `registered` with a single dict lookup), so a slow load does not stall serving.
        self.register_lock = threading.Lock()

    def names(self) -> list[str]:
        return [m["id"] for m in self.cards()]

    def cards(self) -> list[dict[str, Any]]:
        """/v1/models entries in vLLM's ModelCard shape: adapters name the base model as `parent`, their path as
        `root`."""

        def card(m: ChatModel, parent: str | None) -> dict[str, Any]:
            return {
                "id": m.name,
                "object": "model",
                "created": 0,
                "owned_by": "tailor",
                "root": m.path,
                "parent": parent,
            }

        models = [self.default, *list(self.registered.values()), *list(self.loaded.values())]
        return [card(m, self.default.name if m is not self.default and m.is_adapter else None) for m in models]

    def get(self, name: str | None) -> ChatModel | None:
        if name in (None, self.default.name):
            return self.default
        registered = self.registered.get(name)  # type: ignore[arg-type]
        if registered is not None:
            return registered
        with self.lock:  # one load at a time; a second request for the same id waits and reuses it
            if name not in self.loaded:
                folder = self._find(name)
                if folder is None:
                    return None
                # A LoRA adapter rides on the base; a fully fine-tuned folder is a model of its own.
                full = not os.path.isfile(os.path.join(folder, "adapter_config.json"))
                self.loaded[name] = ChatModel(
                    folder if full else self.base,
                    None if full else folder,
                    name,
                    None if full else self.default.tokenizer,
                )
            return self.loaded[name]

    def require(self, name: str | None) -> ChatModel:
        model = self.get(name)
        if model is None:
            # OpenAI's model-not-found (status, param, code), plus what this server can serve
            served = ", ".join(repr(n) for n in self.names())
            more = (
                f", or a trained output in {self.adapters_dir} named by its digest (...:<sha12>)"
                if self.adapters_dir
                else ""
            )
            raise ApiError(
                404,
                f"The model `{name}` does not exist or you do not have access to it. "
                f"This server serves {served}{more}; "
                "register a LoRA adapter with POST /v1/load_lora_adapter.",
                param="model",
                code="model_not_found",
            )
        return model

    def load_adapter(self, name: str, path: str, inplace: bool) -> None:
        """vLLM's load_lora_adapter (OpenAIServingModels.load_lora_adapter): its checks in its order, with its messages.
        One more: an adapter may not take the base model's id, which would hide it (vLLM does not check)."""
        if name == self.default.name:
            raise ApiError(
                400,
                f"lora_name: '{name}' is the base model's id; choose another name for the adapter.",
                "InvalidUserInput",
                "lora_name",
                400,
            )
        with self.register_lock:
            if not inplace and name in self.registered:
                raise ApiError(
                    400,
                    f"The lora adapter '{name}' has already been loaded. "
                    "If you want to load the adapter in place, set 'load_inplace' to True.",
                    "InvalidUserInput",
                    code=400,
                )
            if path.startswith("s3://"):
                path = self._from_store(name, path)
            if not os.path.isfile(os.path.join(path, "adapter_config.json")):
                # vLLM reports a missing path and a folder without adapter_config.json alike (LoRAAdapterNotFoundError).
                why = (
                    "a fully fine-tuned model, which needs its own server"
                    if os.path.isfile(os.path.join(path, "config.json"))
                    else "expected a LoRA adapter folder with adapter_config.json"
                )
                raise ApiError(
                    404, f"Loading lora {name} failed: No adapter found for {path} ({why})", "NotFoundError", code=404
                )
            try:
                model = ChatModel(self.base, path, name, self.default.tokenizer)
            except Exception as e:  # an adapter for another base, or corrupt weights: the caller's input, not a crash
                raise ApiError(
                    400, f"Loading lora {name} failed: {type(e).__name__}: {e}", "BadRequestError", code=400
                ) from None
            self.registered[name] = model

    def _from_store(self, name: str, uri: str) -> str:
        """An adapter the trainer uploaded (store.upload_adapter), fetched by digest into the local cache once: the
        trainer and this server need not share a disk."""
        from .store import StoreError, fetch_adapter, tailor_home

        cache = os.path.join(self.adapters_dir or os.path.join(tailor_home(), "adapters"), ".store")
        try:
            return fetch_adapter(uri, cache)
        except StoreError as e:
            # Missing or corrupted: the caller's input (4xx, not retried); the store unreachable: 503, retried.
            status = 503 if e.retryable else (404 if e.type == "ArtifactMissing" else 400)
            kind = "ServiceUnavailable" if e.retryable else ("NotFoundError" if status == 404 else "BadRequestError")
            raise ApiError(status, f"Loading lora {name} failed: {e}", kind, code=status) from None

    def unload_adapter(self, name: str) -> None:
        with self.register_lock:
            if name not in self.registered:
                raise ApiError(404, f"The lora adapter '{name}' cannot be found.", "NotFoundError", code=404)
            del self.registered[name]  # a chat already answering with it keeps its reference and finishes

    def _find(self, name: str) -> str | None:
        prefix = name.rsplit(":", 1)[-1].lower()
        if len(prefix) < 12 or any(c not in "0123456789abcdef" for c in prefix):
            return None
        if not self.adapters_dir or not os.path.isdir(self.adapters_dir):
            return self._find_in_store(prefix)
        from .training import dir_sha256

        for entry in sorted(os.listdir(self.adapters_dir)):
            folder = os.path.join(self.adapters_dir, entry)
            usable = os.path.isfile(os.path.join(folder, "adapter_config.json")) or os.path.isfile(
                os.path.join(folder, "config.json")
            )
            if entry.endswith(".tmp") or not usable:
                continue  # a save in progress, or not a trained output
            mtime = os.path.getmtime(folder)
            if self.digests.get(folder, (None,))[0] != mtime:
                self.digests[folder] = (mtime, dir_sha256(folder))
            if self.digests[folder][1].startswith(prefix):
                return folder
        return self._find_in_store(prefix)

    def _find_in_store(self, prefix: str) -> str | None:
        """With TAILOR_ARTIFACTS=s3://..., a trained output the trainer uploaded (on another host) under this digest
        prefix, fetched into the local cache and checked. None when the store has none, or more than one, under it."""
        location = os.environ.get("TAILOR_ARTIFACTS", "").strip()
        if not location.startswith("s3://"):
            return None
        from .store import ADAPTERS, S3Location, client

        where = S3Location.parse(location, "TAILOR_ARTIFACTS")
        try:
            listed = client().list_objects_v2(Bucket=where.bucket, Prefix=where.key(ADAPTERS, prefix), MaxKeys=2)
        except Exception as e:
            why = f"artifact store {location}: cannot list adapters: {e}"
            raise ApiError(503, why, "ServiceUnavailable", code=503) from None
        keys = [o["Key"] for o in listed.get("Contents", []) if o["Key"].endswith(".tar")]
        if len(keys) != 1:
            return None
        return self._from_store(prefix, where.uri(keys[0]))


def _has_tokenizer(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "tokenizer.json"))
