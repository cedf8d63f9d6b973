"""A small OpenAI-compatible chat server for development and tests: base model + optional LoRA adapter, via transformers.

python -m tailor_trainer.chat_server --base ./tiny-model [--adapter ./out] [--model NAME] [--adapters DIR] [--port 8000]
Serves GET /v1/models and POST /v1/chat/completions (non-streaming). For production serving use vLLM (see README).

Runtime adapters, as vLLM serves them (`vllm serve BASE --enable-lora` with VLLM_ALLOW_RUNTIME_LORA_UPDATING=True):
  POST /v1/load_lora_adapter    {"lora_name": NAME, "lora_path": DIR[, "load_inplace": true]}
  POST /v1/unload_lora_adapter  {"lora_name": NAME}
A loaded adapter is listed by GET /v1/models (root: its path, parent: the base model's id) and answers chat requests
for `model: NAME` until it is unloaded. Status codes, plain-text success bodies and error messages follow vLLM, so the
same Tailor code registers adapters here and in production. Each adapter loads its own copy of the base model: fine
for the small models this server is meant for.

With --adapters DIR, a request for a model id ending in `:<sha256 prefix>` (Tailor's `self-hosted:<base>:<sha12>`)
is answered by the trained output in DIR whose content digest (training.dir_sha256) starts with that prefix: a LoRA
adapter over the base model, or a fully fine-tuned model folder. Outputs trained after the server started are found
on first use, so one server evaluates every run.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class ChatModel:
    def __init__(self, base: str, adapter: str | None, name: str, tokenizer=None) -> None:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.name = name
        self.path = adapter or base  # what /v1/models reports as the model's root
        self.is_adapter = bool(adapter)
        self.tokenizer = tokenizer or AutoTokenizer.from_pretrained(adapter if adapter and _has_tokenizer(adapter) else base, local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(base, local_files_only=True)
        if adapter:
            from peft import PeftModel

            model = PeftModel.from_pretrained(model, adapter, local_files_only=True)
        self.model = model.eval()
        self.lock = threading.Lock()  # one generate at a time: the model is not re-entrant

    def complete(self, messages: list[dict[str, str]], max_tokens: int, temperature: float) -> tuple[str, int, int, str]:
        import torch

        ids = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt", return_dict=True)
        prompt_len = ids["input_ids"].shape[1]
        sample = temperature > 0
        with self.lock, torch.no_grad():
            out = self.model.generate(
                **ids,
                max_new_tokens=max_tokens,
                do_sample=sample,
                temperature=temperature if sample else None,
                top_p=None,
                top_k=None,
                eos_token_id=self.tokenizer.eos_token_id,
                pad_token_id=self.tokenizer.pad_token_id,
            )
        new = out[0, prompt_len:].tolist()
        finish = "stop" if new and new[-1] == self.tokenizer.eos_token_id else "length"
        text = self.tokenizer.decode(new, skip_special_tokens=True)
        return text, prompt_len, len(new), finish


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
        """/v1/models entries in vLLM's ModelCard shape: adapters name the base model as `parent`, their path as `root`."""
        def card(m: ChatModel, parent: str | None) -> dict[str, Any]:
            return {"id": m.name, "object": "model", "created": 0, "owned_by": "tailor", "root": m.path, "parent": parent}

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
                self.loaded[name] = ChatModel(folder if full else self.base, None if full else folder, name, None if full else self.default.tokenizer)
            return self.loaded[name]

    def load_adapter(self, name: str, path: str, inplace: bool) -> None:
        """vLLM's load_lora_adapter (OpenAIServingModels.load_lora_adapter): its checks in its order, with its messages.
        One more: an adapter may not take the base model's id, which would hide it (vLLM does not check)."""
        if name == self.default.name:
            raise ApiError(400, f"lora_name: '{name}' is the base model's id; choose another name for the adapter.", "InvalidUserInput", "lora_name")
        with self.register_lock:
            if not inplace and name in self.registered:
                raise ApiError(
                    400,
                    f"The lora adapter '{name}' has already been loaded. If you want to load the adapter in place, set 'load_inplace' to True.",
                    "InvalidUserInput",
                )
            if not os.path.isfile(os.path.join(path, "adapter_config.json")):
                # vLLM reports a missing path and a folder without adapter_config.json alike (LoRAAdapterNotFoundError).
                why = "a fully fine-tuned model, which needs its own server" if os.path.isfile(os.path.join(path, "config.json")) else "expected a LoRA adapter folder with adapter_config.json"
                raise ApiError(404, f"Loading lora {name} failed: No adapter found for {path} ({why})", "NotFoundError")
            try:
                model = ChatModel(self.base, path, name, self.default.tokenizer)
            except Exception as e:  # an adapter for another base, or corrupt weights: the caller's input, not a crash
                raise ApiError(400, f"Loading lora {name} failed: {type(e).__name__}: {e}", "BadRequestError") from None
            self.registered[name] = model

    def unload_adapter(self, name: str) -> None:
        with self.register_lock:
            if name not in self.registered:
                raise ApiError(404, f"The lora adapter '{name}' cannot be found.", "NotFoundError")
            del self.registered[name]  # a chat already answering with it keeps its reference and finishes

    def _find(self, name: str) -> str | None:
        prefix = name.rsplit(":", 1)[-1].lower()
        if not self.adapters_dir or len(prefix) < 12 or any(c not in "0123456789abcdef" for c in prefix) or not os.path.isdir(self.adapters_dir):
            return None
        from .training import dir_sha256

        for entry in sorted(os.listdir(self.adapters_dir)):
            folder = os.path.join(self.adapters_dir, entry)
            usable = os.path.isfile(os.path.join(folder, "adapter_config.json")) or os.path.isfile(os.path.join(folder, "config.json"))
            if entry.endswith(".tmp") or not usable:
                continue  # a save in progress, or not a trained output
            mtime = os.path.getmtime(folder)
            if self.digests.get(folder, (None,))[0] != mtime:
                self.digests[folder] = (mtime, dir_sha256(folder))
            if self.digests[folder][1].startswith(prefix):
                return folder
        return None


def _has_tokenizer(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "tokenizer.json"))


class BadRequest(Exception):
    pass


class ApiError(Exception):
    """An error for the LoRA routes in vLLM's ErrorResponse shape: {"error": {message, type, param, code: <status>}}."""

    def __init__(self, status: int, message: str, type_: str, param: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.type, self.param = status, message, type_, param

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.status}}


def _lora_field(body: dict[str, Any], field: str, hint: str) -> str:
    # vLLM answers a missing or mistyped field with 400 "Bad Request" (its RequestValidationError handler) and an
    # empty one with 400 InvalidUserInput; both name the field.
    value = body.get(field)
    if value is None:
        raise ApiError(400, f"{field}: field required ({hint})", "Bad Request", field)
    if not isinstance(value, str):
        raise ApiError(400, f"{field}: expected a string ({hint}), got {type(value).__name__}", "Bad Request", field)
    if not value:
        raise ApiError(400, f"{field}: must not be empty ({hint})", "InvalidUserInput", field)
    return value


def _parse_chat(body: Any) -> tuple[list[dict[str, str]], int, float]:
    if not isinstance(body, dict):
        raise BadRequest("expected a JSON object")
    msgs = body.get("messages")
    if not isinstance(msgs, list) or not msgs or not all(isinstance(m, dict) and isinstance(m.get("content"), str) and m.get("role") in ("system", "user", "assistant") for m in msgs):
        raise BadRequest("messages: expected a non-empty list of {role, content: string}")
    if body.get("stream"):
        raise BadRequest("stream: not supported by this development server")
    max_tokens = body.get("max_completion_tokens", body.get("max_tokens", 64))
    if not isinstance(max_tokens, int) or max_tokens < 1:
        raise BadRequest("max_tokens: expected a positive integer")
    temperature = body.get("temperature", 0)
    if not isinstance(temperature, (int, float)) or temperature < 0:
        raise BadRequest("temperature: expected a number >= 0")
    return [{"role": m["role"], "content": m["content"]} for m in msgs], max_tokens, float(temperature)


def make_handler(models: ModelSet):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet: tests read stdout for the address
            pass

        def _send(self, code: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(code)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _error(self, code: int, message: str, param: str | None = None, err_code: str | None = None) -> None:
            self._send(code, {"error": {"message": message, "type": "invalid_request_error", "param": param, "code": err_code}})

        def _text(self, code: int, text: str) -> None:
            data = text.encode()
            self.send_response(code)
            self.send_header("content-type", "text/plain; charset=utf-8")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path.rstrip("/") == "/v1/models":
                self._send(200, {"object": "list", "data": models.cards()})
            else:
                self._error(404, f"no route {self.path}")

        def do_POST(self) -> None:
            route = self.path.rstrip("/")
            if route in ("/v1/load_lora_adapter", "/v1/unload_lora_adapter"):
                return self._lora(route)
            if route != "/v1/chat/completions":
                return self._error(404, f"no route {self.path}")
            try:
                body = self._json()
                msgs, max_tokens, temperature = _parse_chat(body)
            except (ValueError, BadRequest) as e:
                return self._error(400, str(e))
            model = models.get(body.get("model"))
            if model is None:
                # OpenAI's model-not-found (status, param, code), plus what this server can serve
                served = ", ".join(repr(n) for n in models.names())
                more = f", or a trained output in {models.adapters_dir} named by its digest (...:<sha12>)" if models.adapters_dir else ""
                return self._error(
                    404,
                    f"The model `{body.get('model')}` does not exist or you do not have access to it. This server serves {served}{more}; "
                    "register a LoRA adapter with POST /v1/load_lora_adapter.",
                    "model",
                    "model_not_found",
                )
            text, prompt_tokens, completion_tokens, finish = model.complete(msgs, max_tokens, temperature)
            self._send(
                200,
                {
                    "id": f"chatcmpl-{uuid.uuid4().hex}",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": model.name,
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish}],
                    "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens, "total_tokens": prompt_tokens + completion_tokens},
                },
            )

        def _json(self) -> Any:
            length = int(self.headers.get("content-length") or 0)
            return json.loads(self.rfile.read(length) or b"null")

        def _lora(self, route: str) -> None:
            # Matches vLLM's vllm/entrypoints/serve/lora/api_router.py + vllm/entrypoints/openai/models/serving.py
            # (OpenAIServingModels.load_lora_adapter / unload_lora_adapter): 200 with a plain-text "Success: ..." body,
            # errors as ErrorResponse JSON with the status repeated in error.code.
            try:
                if "application/json" not in (self.headers.get("content-type") or "").lower():
                    raise ApiError(415, "Unsupported Media Type: Only 'application/json' is allowed", "Unsupported Media Type")
                try:
                    body = self._json()
                except ValueError as e:
                    raise ApiError(400, f"body: expected JSON ({e})", "Bad Request") from None
                if not isinstance(body, dict):
                    raise ApiError(400, "body: expected a JSON object", "Bad Request")
                name = _lora_field(body, "lora_name", "the model id clients will ask for")
                if route == "/v1/unload_lora_adapter":
                    models.unload_adapter(name)
                    return self._text(200, f"Success: LoRA adapter '{name}' removed successfully.")
                path = _lora_field(body, "lora_path", "the LoRA adapter folder, readable by this server")
                inplace = body.get("load_inplace", False)
                if not isinstance(inplace, bool):
                    raise ApiError(400, f"load_inplace: expected a boolean, got {type(inplace).__name__}", "Bad Request", "load_inplace")
                models.load_adapter(name, path, inplace)
                return self._text(200, f"Success: LoRA adapter '{name}' added successfully.")
            except ApiError as e:
                self._send(e.status, e.body())

    return Handler


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--base", required=True, help="local base model folder")
    p.add_argument("--adapter", help="a LoRA adapter folder written by the trainer")
    p.add_argument("--model", default="tailor-self-hosted", help="the model id clients ask for")
    p.add_argument("--adapters", help="a folder of trained outputs served by digest: model ids ending in :<sha256 prefix>")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    a = p.parse_args(argv)
    if not os.path.isfile(os.path.join(a.base, "config.json")):
        sys.exit(f"tailor chat server: --base {a.base}: expected a local model folder with config.json")
    if a.adapter and not os.path.isfile(os.path.join(a.adapter, "adapter_config.json")):
        sys.exit(f"tailor chat server: --adapter {a.adapter}: expected a LoRA adapter folder with adapter_config.json")
    models = ModelSet(ChatModel(a.base, a.adapter, a.model), a.base, a.adapters)
    server = ThreadingHTTPServer((a.host, a.port), make_handler(models))
    print(f"tailor chat server: listening on http://{a.host}:{server.server_address[1]}/v1", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
