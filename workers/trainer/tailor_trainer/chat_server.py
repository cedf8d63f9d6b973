"""A small OpenAI-compatible chat server for development and tests: base model + optional LoRA adapter, via transformers.

python -m tailor_trainer.chat_server --base ./tiny-model [--adapter ./out] [--model NAME] [--adapters DIR] [--port 8000]
Serves GET /v1/models and POST /v1/chat/completions (non-streaming). For production serving use vLLM (see README).

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
    """The model the server was started with, plus trained outputs in an adapters folder, found by digest prefix."""

    def __init__(self, default: ChatModel, base: str, adapters_dir: str | None) -> None:
        self.default = default
        self.base = base
        self.adapters_dir = adapters_dir
        self.loaded: dict[str, ChatModel] = {}
        self.digests: dict[str, tuple[float, str]] = {}  # folder -> (mtime, sha256): hashed once per version
        self.lock = threading.Lock()

    def names(self) -> list[str]:
        return [self.default.name, *self.loaded]

    def get(self, name: str | None) -> ChatModel | None:
        if name in (None, self.default.name):
            return self.default
        with self.lock:  # one load at a time; a second request for the same id waits and reuses it
            if name not in self.loaded:
                folder = self._find(name)
                if folder is None:
                    return None
                # A LoRA adapter rides on the base; a fully fine-tuned folder is a model of its own.
                full = not os.path.isfile(os.path.join(folder, "adapter_config.json"))
                self.loaded[name] = ChatModel(folder if full else self.base, None if full else folder, name, None if full else self.default.tokenizer)
            return self.loaded[name]

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

        def _error(self, code: int, message: str) -> None:
            self._send(code, {"error": {"message": message, "type": "invalid_request_error", "code": None}})

        def do_GET(self) -> None:
            if self.path.rstrip("/") == "/v1/models":
                self._send(200, {"object": "list", "data": [{"id": n, "object": "model", "created": 0, "owned_by": "tailor"} for n in models.names()]})
            else:
                self._error(404, f"no route {self.path}")

        def do_POST(self) -> None:
            if self.path.rstrip("/") != "/v1/chat/completions":
                return self._error(404, f"no route {self.path}")
            try:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"null")
                msgs, max_tokens, temperature = _parse_chat(body)
            except (ValueError, BadRequest) as e:
                return self._error(400, str(e))
            model = models.get(body.get("model"))
            if model is None:
                more = f" or a trained output in {models.adapters_dir} named by its digest (...:<sha12>)" if models.adapters_dir else ""
                return self._error(404, f"model {body.get('model')!r} not found; this server serves {models.default.name!r}{more}")
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
