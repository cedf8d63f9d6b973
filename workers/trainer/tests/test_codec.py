"""The Python payload codec against the real TypeScript one (run through tsx), both ways, and through a real Temporal server.

No fixtures copied from TS: every TS-side value here is produced or checked by core/codec + workers/encryptionCodec.ts
at test time, via tests/ts_codec_roundtrip.ts.
"""
from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import uuid
from datetime import timedelta

import pytest
from conftest import REPO
from temporalio import activity, workflow
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.common import RawValue
from temporalio.converter import DataConverter
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from tailor_trainer.codec import (
    DecryptionError,
    EncryptionCodec,
    KeyringConfigError,
    UnknownEncryptionKeyError,
    codec_from_env,
    data_converter_from_env,
)

TSX = REPO / "node_modules" / ".bin" / "tsx"
TS_SCRIPT = REPO / "workers" / "trainer" / "tests" / "ts_codec_roundtrip.ts"
SECRET = {"model": "ft:gpt-4o-mini:acme-confidential-xyzzy", "line": "my invoice #4471 was charged twice", "ünï": [1, 2.5, None, True]}


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def ts(requests):
    """One run of the TS codec script; answers in request order (an error answer is {'error': {name, message}})."""
    if not TSX.exists():
        pytest.fail(f"no tsx at {TSX}: run `npm install` in {REPO}")
    proc = subprocess.run([str(TSX), str(TS_SCRIPT)], cwd=REPO, input=json.dumps(requests), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"ts_codec_roundtrip.ts failed:\n{proc.stderr[-3000:]}"
    return json.loads(proc.stdout)


def to_json(p: Payload) -> dict:
    return {"metadata": {k: base64.b64encode(v).decode() for k, v in p.metadata.items()}, "data": base64.b64encode(p.data).decode()}


def from_json(j: dict) -> Payload:
    return Payload(metadata={k: base64.b64decode(v) for k, v in (j.get("metadata") or {}).items()}, data=base64.b64decode(j.get("data") or ""))


def meta_text(p: Payload) -> dict[str, str]:
    return {k: v.decode() for k, v in p.metadata.items()}


def run(coro):
    return asyncio.run(coro)


# Payloads with awkward shapes: several metadata entries, non-ASCII key, binary and empty data, no metadata.
RAW = [
    Payload(metadata={"encoding": b"json/plain", "messageType": b"x.y", "schlüssel": bytes(range(256))}, data=b'{"a":1}'),
    Payload(metadata={"encoding": b"binary/plain"}, data=bytes(range(256)) * 3),
    Payload(metadata={"encoding": b"binary/null"}, data=b""),
    Payload(data=b"no metadata at all"),
]


def test_ts_encoded_values_decode_in_python_to_the_same_data():
    env = {"TAILOR_ENCRYPTION_KEYS": f"k1:{new_key()}"}
    [answer] = ts([{"op": "encodeValues", "env": env, "values": [SECRET, "text", 42, None]}])
    payloads = [from_json(p) for p in answer["payloads"]]
    for p in payloads:
        assert meta_text(p) == {"encoding": "binary/encrypted", "encryption-key-id": "k1"}
        assert b"xyzzy" not in p.data
    values = run(data_converter_from_env(env).decode(payloads, [dict, str, int, type(None)]))
    assert values == [SECRET, "text", 42, None]


def test_python_encoded_values_decode_in_ts():
    env = {"TAILOR_ENCRYPTION_KEY": new_key()}
    payloads = run(data_converter_from_env(env).encode([SECRET, "text", 42, None]))
    for p in payloads:
        assert meta_text(p) == {"encoding": "binary/encrypted", "encryption-key-id": "default"}
        assert b"xyzzy" not in p.data
    [answer] = ts([{"op": "decodeValues", "env": env, "payloads": [to_json(p) for p in payloads]}])
    assert answer == {"values": [SECRET, "text", 42, None]}


def test_raw_payloads_round_trip_exactly_both_ways():
    env = {"TAILOR_ENCRYPTION_KEYS": f"raw.key-1:{new_key()}"}
    codec = codec_from_env(env)
    py_encoded = run(codec.encode(RAW))
    # Fresh nonce per payload on the Python side too.
    assert run(codec.encode(RAW[:1]))[0].data != py_encoded[0].data
    ts_decoded, ts_encoded = ts(
        [
            {"op": "decode", "env": env, "payloads": [to_json(p) for p in py_encoded]},
            {"op": "encode", "env": env, "payloads": [to_json(p) for p in RAW]},
        ]
    )
    assert [from_json(p) for p in ts_decoded["payloads"]] == RAW
    assert run(codec.decode([from_json(p) for p in ts_encoded["payloads"]])) == RAW
    # Same layout: both sides' ciphertexts are nonce (12) + tag (16) + envelope of equal length.
    assert [len(from_json(p).data) for p in ts_encoded["payloads"]] == [len(p.data) for p in py_encoded]


def test_rotation_old_key_still_reads_when_second_in_both_languages():
    old, new = new_key(), new_key()
    before = {"TAILOR_ENCRYPTION_KEYS": f"k2025:{old}"}
    after = {"TAILOR_ENCRYPTION_KEYS": f"k2026:{new}, k2025:{old}"}
    py_old = run(data_converter_from_env(before).encode([SECRET]))
    py_new = run(data_converter_from_env(after).encode([SECRET]))
    assert meta_text(py_new[0])["encryption-key-id"] == "k2026"
    ts_old, ts_decoded = ts(
        [
            {"op": "encodeValues", "env": before, "values": [SECRET]},
            {"op": "decodeValues", "env": after, "payloads": [to_json(p) for p in py_old + py_new]},
        ]
    )
    assert ts_decoded == {"values": [SECRET, SECRET]}
    mixed = [from_json(ts_old["payloads"][0]), py_new[0]]
    assert run(data_converter_from_env(after).decode(mixed, [dict, dict])) == [SECRET, SECRET]


def test_unknown_key_id_is_a_clear_error_with_the_same_message_as_ts():
    writer = {"TAILOR_ENCRYPTION_KEYS": f"retired-2024:{new_key()}"}
    reader = {"TAILOR_ENCRYPTION_KEYS": f"k2026:{new_key()},k2027:{new_key()}"}
    [ts_enc] = ts([{"op": "encodeValues", "env": writer, "values": [SECRET]}])
    with pytest.raises(UnknownEncryptionKeyError) as caught:
        run(codec_from_env(reader).decode([from_json(ts_enc["payloads"][0])]))
    assert "key ID 'retired-2024'" in str(caught.value) and "known IDs: k2026, k2027" in str(caught.value)
    py_enc = run(codec_from_env(writer).encode([Payload(data=b"x")]))
    [ts_err] = ts([{"op": "decode", "env": reader, "payloads": [to_json(py_enc[0])]}])
    assert ts_err["error"]["name"] == "UnknownEncryptionKeyError"
    assert ts_err["error"]["message"] == str(caught.value)


def test_tampering_is_detected_with_the_ts_messages():
    key = new_key()
    env = {"TAILOR_ENCRYPTION_KEYS": f"a:{key},b:{key}"}
    codec = codec_from_env(env)
    [enc] = run(codec.encode([Payload(metadata={"encoding": b"json/plain"}, data=b'"secret"')]))
    flipped = Payload(metadata=enc.metadata, data=enc.data[:-1] + bytes([enc.data[-1] ^ 1]))
    # Same key bytes under another ID: only the authenticated key ID differs.
    relabelled = Payload(metadata={**enc.metadata, "encryption-key-id": b"b"}, data=enc.data)
    truncated = Payload(metadata=enc.metadata, data=enc.data[:10])
    cases = [flipped, relabelled, truncated]
    ts_errors = ts([{"op": "decode", "env": env, "payloads": [to_json(p)]} for p in cases])
    for payload, ts_err in zip(cases, ts_errors):
        with pytest.raises(DecryptionError) as caught:
            run(codec.decode([payload]))
        assert ts_err["error"]["name"] == "DecryptionError"
        assert str(caught.value) == ts_err["error"]["message"]
    assert "failed authentication" in ts_errors[0]["error"]["message"] and "truncated" in ts_errors[2]["error"]["message"]


def test_unencrypted_payloads_pass_through_decode_unchanged():
    codec = codec_from_env({"TAILOR_ENCRYPTION_KEY": new_key()})
    plain = DataConverter.default.payload_converter.to_payloads([SECRET])[0]
    [out] = run(codec.decode([plain]))
    assert out is plain


def test_no_key_means_no_codec():
    for env in ({}, {"TAILOR_ENCRYPTION_KEY": "  "}, {"TAILOR_ENCRYPTION_KEYS": " ", "TAILOR_ENCRYPTION_KEY": ""}):
        assert codec_from_env(env) is None
        assert data_converter_from_env(env) is DataConverter.default


def test_keys_list_is_preferred_and_its_first_entry_writes():
    env = {"TAILOR_ENCRYPTION_KEYS": f" new:{new_key()} ,old:{new_key()},", "TAILOR_ENCRYPTION_KEY": new_key()}
    codec = codec_from_env(env)
    assert isinstance(codec, EncryptionCodec)
    assert list(codec.keyring.read_keys) == ["new", "old"]
    assert meta_text(run(codec.encode([Payload(data=b"x")]))[0])["encryption-key-id"] == "new"
    assert data_converter_from_env(env).payload_codec is not None


SHORT = base64.b64encode(bytes([7]) * 16).decode()
GOOD = new_key()
BAD_ENVS = [
    {"TAILOR_ENCRYPTION_KEY": SHORT},
    {"TAILOR_ENCRYPTION_KEY": "not base64!!"},
    {"TAILOR_ENCRYPTION_KEY": GOOD[:-1]},  # length not a multiple of 4
    {"TAILOR_ENCRYPTION_KEY": GOOD + "\nx"},
    {"TAILOR_ENCRYPTION_KEYS": SHORT},
    {"TAILOR_ENCRYPTION_KEYS": f"a:{SHORT}"},
    {"TAILOR_ENCRYPTION_KEYS": f"a b:{SHORT}"},
    {"TAILOR_ENCRYPTION_KEYS": f"{'x' * 65}:{GOOD}"},
    {"TAILOR_ENCRYPTION_KEYS": f"o\nk:{GOOD}"},
    {"TAILOR_ENCRYPTION_KEYS": ","},
    {"TAILOR_ENCRYPTION_KEYS": f"a:{GOOD},a:{GOOD}"},
    {"TAILOR_ENCRYPTION_KEYS": f"a:{GOOD},b:{SHORT}"},
]


def test_env_errors_match_ts_name_the_variable_and_never_echo_the_key():
    ts_answers = ts([{"op": "encode", "env": env, "payloads": []} for env in BAD_ENVS])
    for env, ts_answer in zip(BAD_ENVS, ts_answers):
        with pytest.raises(KeyringConfigError) as caught:
            codec_from_env(env)
        message = str(caught.value)
        assert isinstance(caught.value, ValueError)
        assert ts_answer["error"] == {"name": "KeyringConfigError", "message": message}, env
        assert message.startswith(tuple(env)), message
        assert SHORT not in message and GOOD not in message and GOOD[:-1] not in message
        with pytest.raises(KeyringConfigError):
            data_converter_from_env(env)


# End to end through a real Temporal server: a TS-encrypted input enters history, the Python worker (with
# data_converter_from_env) decrypts it for its activity, and its encrypted result is read back by the TS codec.
@activity.defn(name="tailorCodecProbeEcho")
def echo(value: dict) -> dict:
    return {"echo": value}


@workflow.defn(name="tailorCodecProbe")
class ProbeWorkflow:
    @workflow.run
    async def run(self, value: dict) -> dict:
        return await workflow.execute_activity("tailorCodecProbeEcho", value, start_to_close_timeout=timedelta(seconds=30), result_type=dict)


def test_through_temporal_ts_encrypted_input_reaches_the_python_worker_and_its_result_reads_in_ts(temporal_address):
    env = {"TAILOR_ENCRYPTION_KEYS": f"k1:{new_key()}"}
    [ts_enc] = ts([{"op": "encodeValues", "env": env, "values": [SECRET]}])
    encrypted_input = from_json(ts_enc["payloads"][0])

    async def scenario():
        from concurrent.futures import ThreadPoolExecutor

        queue = f"codec-{uuid.uuid4()}"
        # A client without the codec sees history as stored: it passes the TS ciphertext through and returns raw results.
        plain = await Client.connect(temporal_address)
        encrypted = await Client.connect(temporal_address, data_converter=data_converter_from_env(env))
        with ThreadPoolExecutor(1) as pool:
            async with Worker(
                encrypted, task_queue=queue, workflows=[ProbeWorkflow], activities=[echo], activity_executor=pool,
                workflow_runner=UnsandboxedWorkflowRunner(),
            ):
                handle = await plain.start_workflow("tailorCodecProbe", RawValue(encrypted_input), id=queue, task_queue=queue, result_type=RawValue)
                raw_result = await handle.result()
                decrypted = await encrypted.get_workflow_handle(queue, result_type=dict).result()
        return raw_result.payload, decrypted

    raw_result, decrypted = run(scenario())
    assert decrypted == {"echo": SECRET}
    assert meta_text(raw_result) == {"encoding": "binary/encrypted", "encryption-key-id": "k1"}
    assert b"xyzzy" not in raw_result.data
    [ts_dec] = ts([{"op": "decodeValues", "env": env, "payloads": [to_json(raw_result)]}])
    assert ts_dec == {"values": [{"echo": SECRET}]}


# Failures: with encryption on, a failure's message and stack trace travel as encrypted encoded attributes, so an
# activity error's text (a file path, a provider's message) is not readable in history; TS decodes them the same way.
FAILURE_MARKER = "tailor-failure-marker-5b1e /private/data/set.jsonl"


def test_failure_message_and_stack_are_encrypted_and_read_back_in_both_languages():
    from temporalio.api.failure.v1 import Failure
    from temporalio.exceptions import ApplicationError

    env = {"TAILOR_ENCRYPTION_KEYS": f"f1:{new_key()}"}
    converter = data_converter_from_env(env)
    try:
        raise ApplicationError(FAILURE_MARKER, type="ProbeFailure", non_retryable=True)
    except ApplicationError as err:
        failure = Failure()
        run(converter.encode_failure(err, failure))
    assert failure.message == "Encoded failure"
    assert failure.stack_trace == ""
    assert meta_text(failure.encoded_attributes)["encoding"] == "binary/encrypted"
    assert b"tailor-failure-marker" not in failure.SerializeToString()
    assert FAILURE_MARKER in str(run(converter.decode_failure(failure)))
    [ts_dec] = ts([{"op": "decodeValues", "env": env, "payloads": [to_json(failure.encoded_attributes)]}])
    assert ts_dec["values"][0]["message"] == FAILURE_MARKER
    # Without a key, failures stay as the SDK writes them (readable, as every other payload then is).
    plain = Failure()
    run(DataConverter.default.encode_failure(ApplicationError(FAILURE_MARKER), plain))
    assert plain.message == FAILURE_MARKER


@activity.defn(name="tailorCodecProbeFail")
def fail(value: dict) -> dict:
    from temporalio.exceptions import ApplicationError

    raise ApplicationError(f"{FAILURE_MARKER} {value}", type="ProbeFailure", non_retryable=True)


@workflow.defn(name="tailorCodecProbeFailing")
class FailingWorkflow:
    @workflow.run
    async def run(self, value: dict) -> dict:
        return await workflow.execute_activity(
            "tailorCodecProbeFail", value, start_to_close_timeout=timedelta(seconds=30), result_type=dict
        )


def test_through_temporal_a_failing_activity_leaves_no_readable_message_in_history(temporal_address):
    from temporalio.client import WorkflowFailureError

    env = {"TAILOR_ENCRYPTION_KEYS": f"k2:{new_key()}"}

    async def scenario():
        from concurrent.futures import ThreadPoolExecutor

        queue = f"codec-fail-{uuid.uuid4()}"
        plain = await Client.connect(temporal_address)
        encrypted = await Client.connect(temporal_address, data_converter=data_converter_from_env(env))
        with ThreadPoolExecutor(1) as pool:
            async with Worker(
                encrypted, task_queue=queue, workflows=[FailingWorkflow], activities=[fail], activity_executor=pool,
                workflow_runner=UnsandboxedWorkflowRunner(),
            ):
                handle = await encrypted.start_workflow("tailorCodecProbeFailing", {"n": 1}, id=queue, task_queue=queue)
                try:
                    await handle.result()
                    raise AssertionError("the workflow should have failed")
                except WorkflowFailureError as err:
                    decoded = f"{err.cause} {err.cause.__cause__}"
        history = await plain.get_workflow_handle(queue).fetch_history()
        return decoded, history

    decoded, history = run(scenario())
    raw = b"".join(e.SerializeToString() for e in history.events)
    failures = [e for e in history.events if e.HasField("activity_task_failed_event_attributes")]
    assert failures and failures[0].activity_task_failed_event_attributes.failure.message == "Encoded failure"
    assert b"tailor-failure-marker" not in raw
    assert b"/private/data" not in raw
    # Whoever holds the key reads the activity's own words.
    assert FAILURE_MARKER in decoded
