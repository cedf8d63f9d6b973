"""The chat server refuses cross-site requests before any work, like Tailor's other loopback servers: a request with
an `Origin` that is not allowed is a 403 (any route, any method), and a body that is not declared application/json is
a 415, so a web page's "simple" request (text/plain, form, multipart: no preflight) reaches no model. With
--token-env every route needs the bearer token, and a --host beyond loopback is refused without one."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from conftest import TRAINER_DIR, running_chat_server

CHAT = {"model": "tiny-lora", "messages": [{"role": "user", "content": "What color is the sky?"}], "max_tokens": 4}


def call(url: str, body: object | None = None, **headers: str) -> tuple[int, dict]:
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    req = urllib.request.Request(url, data=data, headers={k.replace("_", "-"): v for k, v in headers.items()})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def still_answers(server: str) -> bool:
    """A plain request (no Origin, a JSON body) is answered by the adapter model: nothing was unloaded."""
    status, body = call(server + "/chat/completions", CHAT, content_type="application/json")
    return status == 200 and body["model"] == "tiny-lora"


@pytest.mark.parametrize(
    "path, body, headers",
    [
        ("/models", None, {}),
        ("/chat/completions", CHAT, {"content_type": "application/json"}),
        ("/chat/completions", json.dumps(CHAT).encode(), {"content_type": "text/plain"}),
        ("/embeddings", {"model": "tiny-lora", "input": "hi"}, {"content_type": "application/json"}),
        ("/load_lora_adapter", {"lora_name": "x", "lora_path": "/tmp"}, {"content_type": "application/json"}),
        ("/unload_lora_adapter", {"lora_name": "tiny-lora"}, {"content_type": "application/json"}),
        ("/no-such-route", {}, {"content_type": "application/json"}),
    ],
)
def test_a_request_from_another_origin_is_a_403(lora_server, path, body, headers):
    status, answer = call(lora_server + path, body, origin="https://evil.example", **headers)
    assert status == 403, answer
    assert answer["error"]["code"] == "origin_not_allowed"
    message = answer["error"]["message"]
    assert "https://evil.example" in message and "allowed origins: none" in message
    assert still_answers(lora_server)


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None]
)
def test_a_body_not_declared_as_json_is_a_415(lora_server, content_type):
    headers = {} if content_type is None else {"content_type": content_type}
    for path in ("/chat/completions", "/embeddings"):
        status, answer = call(lora_server + path, json.dumps(CHAT).encode(), **headers)
        assert status == 415, (path, answer)
        assert answer["error"]["code"] == "unsupported_media_type"
        assert "application/json" in answer["error"]["message"]


def test_allowed_origins_are_served_and_others_are_not(tiny_model):
    allowed = "http://localhost:3000,http://127.0.0.1:3000"
    with running_chat_server("--base", tiny_model, "--model", "tiny", "--allow-origin", allowed) as url:
        status, body = call(url + "/models", origin="http://localhost:3000")
        assert status == 200 and [m["id"] for m in body["data"]] == ["tiny"]
        assert call(url + "/models", origin="http://127.0.0.1:3000")[0] == 200
        status, body = call(url + "/models", origin="http://localhost:3001")
        assert status == 403
        assert "allowed origins: http://127.0.0.1:3000, http://localhost:3000" in body["error"]["message"]
        # Programs send no Origin and are unaffected.
        status, body = call(url + "/models")
        assert status == 200


def test_with_a_token_every_route_needs_it(tiny_model, monkeypatch):
    secret = "-".join(["chat", "token", "for", "this", "test"])  # made up, assembled at run time
    monkeypatch.setenv("CHAT_TOKEN", secret)
    with running_chat_server("--base", tiny_model, "--model", "tiny", "--token-env", "CHAT_TOKEN") as url:
        for auth in ({}, {"authorization": "Bearer wrong"}, {"authorization": secret}):
            status, body = call(url + "/models", **auth)
            assert status == 401 and body["error"]["code"] == "invalid_api_key", body
            assert secret not in json.dumps(body)
        status, body = call(
            url + "/chat/completions",
            {**CHAT, "model": "tiny"},
            content_type="application/json",
            authorization="Bearer wrong",
        )
        assert status == 401
        status, body = call(url + "/models", authorization=f"Bearer {secret}")
        assert status == 200 and [m["id"] for m in body["data"]] == ["tiny"]
        # The origin check still comes first: a foreign page with the token gets a 403, not an answer.
        status, body = call(url + "/models", authorization=f"Bearer {secret}", origin="https://evil.example")
        assert status == 403


def start_failure(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "tailor_trainer.chat_server", *args, "--port", "0"],
        cwd=TRAINER_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )
    return proc.returncode, proc.stdout + proc.stderr


def test_a_host_beyond_loopback_needs_a_token_and_a_token_needs_its_variable(tiny_model):
    code, out = start_failure("--base", tiny_model, "--host", "0.0.0.0")
    assert code != 0 and "--host 0.0.0.0 listens beyond this machine" in out and "--token-env VAR" in out, out
    assert "Traceback" not in out
    code, out = start_failure("--base", tiny_model, "--token-env", "TAILOR_NO_SUCH_VARIABLE")
    assert code != 0 and "--token-env TAILOR_NO_SUCH_VARIABLE: that environment variable is unset or empty" in out
    assert "Traceback" not in out
