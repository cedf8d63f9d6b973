"""A small OpenAI-compatible chat server over transformers: a base model, LoRA adapters, trained outputs.

python -m tailor_trainer.chat_server --base NAME|DIR [--adapter DIR] [--model ID] [--adapters DIR] [--port 8000]
                                    [--host 127.0.0.1] [--token-env VAR] [--allow-origin URL[,URL]]
Serves GET /v1/models, POST /v1/chat/completions (non-streaming) and POST /v1/embeddings. --base takes a local model
folder or a catalogue name (python -m tailor_trainer.catalog list), which is also the id it is served under. For
production serving on a GPU use vLLM (see README).

Chat requests follow OpenAI's: the tokenizer's chat template, `temperature` (default 0), `top_p`, `max_tokens` or
`max_completion_tokens`, `stop`, `seed`, usage from the model's tokenizer; a prompt that does not fit the context
window with its completion is a 400 `context_length_exceeded`; every error has OpenAI's shape. Concurrent requests
are batched (batcher.py). Embeddings are the mean of the last hidden states, normalised.

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

Who may call: the checks of Tailor's loopback servers run first on every route (a disallowed `Origin` is a 403, a
body not declared application/json a 415; --allow-origin URL[,URL] allows browser origins). With --token-env VAR
every request must carry `Authorization: Bearer $VAR` (401 otherwise); a --host beyond loopback requires it.
"""

from __future__ import annotations

import argparse
import hmac
import ipaddress
import json
import os
import sys
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from . import catalog
from .batcher import Batcher
from .chat_models import ChatModel, ModelSet
from .chat_request import ApiError, parse_chat, parse_embeddings


def _lora_field(body: dict[str, Any], field: str, hint: str) -> str:
    # vLLM answers a missing or mistyped field with 400 "Bad Request" (its RequestValidationError handler) and an
    # empty one with 400 InvalidUserInput; both name the field.
    value = body.get(field)
    if value is None:
        raise ApiError(400, f"{field}: field required ({hint})", "Bad Request", field, 400)
    if not isinstance(value, str):
        raise ApiError(
            400, f"{field}: expected a string ({hint}), got {type(value).__name__}", "Bad Request", field, 400
        )
    if not value:
        raise ApiError(400, f"{field}: must not be empty ({hint})", "InvalidUserInput", field, 400)
    return value


class Access:
    """Who may call: browser origins allowed (none by default) and, with --token-env, the bearer token required."""

    def __init__(self, origins: frozenset[str] = frozenset(), token: str | None = None) -> None:
        self.origins, self.token = origins, token


def _token_matches(header: str | None, token: str) -> bool:
    given = (header or "").encode()
    return hmac.compare_digest(given, f"Bearer {token}".encode())


def _guard(headers: Any, access: Access, json_body: bool) -> None:
    """The checks Tailor's loopback servers run first, token or not (servers/loopback/requestGuards.ts).

    A web page the user has open can reach a loopback port with a "simple" cross-site request: an `Origin` header and
    a text/plain, form or multipart body, with no preflight. So a request with an `Origin` that is not allowed is a
    403, and a POST must declare application/json (415). Programs (the openai SDK, curl) send no `Origin`.
    """
    origin = headers.get("origin")
    if origin is not None and origin not in access.origins:
        allowed = ", ".join(sorted(access.origins)) or "none"
        raise ApiError(
            403,
            f"Origin '{origin}' is not allowed to call this server (allowed origins: {allowed}).",
            code="origin_not_allowed",
        )
    if access.token is not None and not _token_matches(headers.get("authorization"), access.token):
        raise ApiError(401, "Missing or incorrect bearer token (Authorization: Bearer ...).", code="invalid_api_key")
    content_type = headers.get("content-type")
    media = (content_type or "").split(";")[0].strip().lower()
    if json_body and media != "application/json":
        raise ApiError(
            415,
            f"Unsupported Content-Type '{content_type or '(none)'}': send the body as application/json.",
            code="unsupported_media_type",
        )


def make_handler(models: ModelSet, batcher: Batcher, access: Access | None = None):
    access = access or Access()

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

        def _text(self, code: int, text: str) -> None:
            data = text.encode()
            self.send_response(code)
            self.send_header("content-type", "text/plain; charset=utf-8")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _answer(self, route) -> None:
            """Runs a route; every failure leaves as OpenAI's error shape, an unexpected one as a 500."""
            try:
                route()
            except ApiError as e:
                self._send(e.status, e.body())
            except Exception as e:  # noqa: BLE001 - a bug or a broken model: the client still gets a JSON error
                self._send(500, ApiError(500, f"{type(e).__name__}: {e}", "server_error").body())

        def do_GET(self) -> None:
            def route() -> None:
                _guard(self.headers, access, json_body=False)
                if self.path.rstrip("/") != "/v1/models":
                    raise ApiError(404, f"no route GET {self.path}", param=None, code="not_found")
                self._send(200, {"object": "list", "data": models.cards()})

            self._answer(route)

        def do_POST(self) -> None:
            routes = {
                "/v1/chat/completions": self._chat,
                "/v1/embeddings": self._embeddings,
                "/v1/load_lora_adapter": lambda: self._lora("/v1/load_lora_adapter"),
                "/v1/unload_lora_adapter": lambda: self._lora("/v1/unload_lora_adapter"),
            }
            route = routes.get(self.path.rstrip("/"))
            if route is None:
                return self._answer(self._no_route)
            # The adapter routes answer a wrong body type in vLLM's words (_lora); the origin check still comes first.
            lora = self.path.rstrip("/").endswith("_lora_adapter")

            def guarded() -> None:
                _guard(self.headers, access, json_body=not lora)
                route()

            self._answer(guarded)

        def _no_route(self) -> None:
            _guard(self.headers, access, json_body=True)
            raise ApiError(404, f"no route POST {self.path}", code="not_found")

        def _json(self) -> Any:
            length = int(self.headers.get("content-length") or 0)
            try:
                return json.loads(self.rfile.read(length) or b"null")
            except ValueError as e:
                raise ApiError(400, f"body: expected JSON ({e})") from None

        def _chat(self) -> None:
            req = parse_chat(self._json())
            model = models.require(req.model)
            c = model.complete(req, batcher)
            self._send(
                200,
                {
                    "id": f"chatcmpl-{uuid.uuid4().hex}",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": model.name,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": c.text},
                            "finish_reason": c.finish_reason,
                            "logprobs": None,
                        }
                    ],
                    "usage": {
                        "prompt_tokens": c.prompt_tokens,
                        "completion_tokens": c.completion_tokens,
                        "total_tokens": c.prompt_tokens + c.completion_tokens,
                    },
                },
            )

        def _embeddings(self) -> None:
            name, texts = parse_embeddings(self._json())
            model = models.require(name)
            vectors, tokens = model.embed(texts, batcher)
            data = [{"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)]
            self._send(
                200,
                {
                    "object": "list",
                    "data": data,
                    "model": model.name,
                    "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
                },
            )

        def _lora(self, route: str) -> None:
            # Matches vLLM's vllm/entrypoints/serve/lora/api_router.py + vllm/entrypoints/openai/models/serving.py
            # (OpenAIServingModels.load_lora_adapter / unload_lora_adapter): 200 with a plain-text "Success: ..." body,
            # errors as ErrorResponse JSON with the status repeated in error.code.
            if "application/json" not in (self.headers.get("content-type") or "").lower():
                raise ApiError(
                    415,
                    "Unsupported Media Type: Only 'application/json' is allowed",
                    "Unsupported Media Type",
                    code=415,
                )
            try:
                body = self._json()
            except ApiError as e:
                raise ApiError(400, e.message, "Bad Request", code=400) from None
            if not isinstance(body, dict):
                raise ApiError(400, "body: expected a JSON object", "Bad Request", code=400)
            name = _lora_field(body, "lora_name", "the model id clients will ask for")
            if route == "/v1/unload_lora_adapter":
                models.unload_adapter(name)
                return self._text(200, f"Success: LoRA adapter '{name}' removed successfully.")
            path = _lora_field(body, "lora_path", "the LoRA adapter folder, readable by this server")
            inplace = body.get("load_inplace", False)
            if not isinstance(inplace, bool):
                raise ApiError(
                    400,
                    f"load_inplace: expected a boolean, got {type(inplace).__name__}",
                    "Bad Request",
                    "load_inplace",
                    400,
                )
            models.load_adapter(name, path, inplace)
            return self._text(200, f"Success: LoRA adapter '{name}' added successfully.")

    return Handler


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "--base", required=True, help="a local base model folder, or a catalogue name (served under that name)"
    )
    p.add_argument("--adapter", help="a LoRA adapter folder written by the trainer")
    p.add_argument(
        "--model", help="the model id clients ask for (default: the catalogue name, else tailor-self-hosted)"
    )
    p.add_argument(
        "--adapters", help="a folder of trained outputs served by digest: model ids ending in :<sha256 prefix>"
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="URL[,URL]",
        help="browser origin(s) (scheme://host[:port]) allowed to call, comma-separated (default none: 403 for any)",
    )
    p.add_argument(
        "--token-env",
        metavar="VAR",
        help="require 'Authorization: Bearer <value of $VAR>' on every route (needed with a --host beyond loopback)",
    )
    p.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    p.add_argument("--threads", type=int, help="torch threads for generation (default: torch's, or OMP_NUM_THREADS)")
    p.add_argument("--batch-window-ms", type=float, default=20.0, help="how long a batch waits for more requests")
    p.add_argument("--max-batch", type=int, default=16, help="the most requests generated together")
    a = p.parse_args(argv)
    try:
        base = catalog.resolve(a.base)
    except catalog.CatalogError as e:
        sys.exit(f"tailor chat server: --base {a.base}: {e}")
    name = a.model or (a.base if catalog.is_name(a.base) else "tailor-self-hosted")
    if not os.path.isfile(os.path.join(base, "config.json")):
        sys.exit(
            f"tailor chat server: --base {a.base}: expected a local model folder with config.json or a catalogue name"
        )
    if a.adapter and not os.path.isfile(os.path.join(a.adapter, "adapter_config.json")):
        sys.exit(f"tailor chat server: --adapter {a.adapter}: expected a LoRA adapter folder with adapter_config.json")
    if a.threads:
        import torch

        torch.set_num_threads(a.threads)
    origins = frozenset(o.strip() for v in a.allow_origin for o in v.split(",") if o.strip())
    token = os.environ.get(a.token_env) if a.token_env else None
    if a.token_env and not token:
        sys.exit(f"tailor chat server: --token-env {a.token_env}: that environment variable is unset or empty")
    if token is None and not _is_loopback(a.host):
        sys.exit(
            f"tailor chat server: --host {a.host} listens beyond this machine, and the server loads adapters and runs"
            " the model for any caller; give --token-env VAR (callers send Authorization: Bearer $VAR; a self-hosted"
            " provider's apiKeyEnv names the same variable)"
        )
    models = ModelSet(ChatModel(base, a.adapter, name), base, a.adapters)
    batcher = Batcher(a.batch_window_ms / 1000, a.max_batch)
    server = ThreadingHTTPServer((a.host, a.port), make_handler(models, batcher, Access(origins, token)))
    print(f"tailor chat server: {name} listening on http://{a.host}:{server.server_address[1]}/v1", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
