"""Tailor's payload encryption (AES-256-GCM with key IDs), the Python twin of the TypeScript codec.

The trainer shares its task queue with the TypeScript workflows, so this must read and write exactly what
core/codec/{keyring,aesGcm,payloadEnvelope}.ts and workers/encryptionCodec.ts do:

- keys: TAILOR_ENCRYPTION_KEYS=id:base64key[,id:base64key...] (first entry writes, every entry reads), else
  TAILOR_ENCRYPTION_KEY=base64key (key ID `default`); each key is 32 bytes.
- an encrypted payload has metadata {encoding: binary/encrypted, encryption-key-id: <id>} and data
  12-byte nonce | 16-byte GCM tag | ciphertext, the key ID (UTF-8) being the additional authenticated data.
- the plaintext is the whole original payload in a small envelope (not protobuf):
  version byte 1 | u32 BE entry count | per entry: u32 BE key length, UTF-8 key, u32 BE value length, value | data.
- payloads without encoding binary/encrypted pass through decode unchanged (history from before encryption).
"""
from __future__ import annotations

import base64
import dataclasses
import os
import re
import struct
from collections.abc import Mapping, Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import DataConverter, DefaultFailureConverterWithEncodedAttributes, PayloadCodec

KEYS_VAR = "TAILOR_ENCRYPTION_KEYS"
KEY_VAR = "TAILOR_ENCRYPTION_KEY"
DEFAULT_KEY_ID = "default"
ENCRYPTED_ENCODING = "binary/encrypted"
KEY_ID_METADATA = "encryption-key-id"

NONCE_BYTES = 12
TAG_BYTES = 16
ENVELOPE_VERSION = 1

# \Z, not $: Python's $ also matches before a trailing newline, which the TS regexes do not accept.
_KEY_ID = re.compile(r"[A-Za-z0-9._-]{1,64}\Z")
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}\Z")


class KeyringConfigError(ValueError):
    """A malformed key variable. The message names the variable and entry, never the key material (it reaches logs)."""


class DecryptionError(Exception):
    """The encrypted bytes were altered, truncated, or sealed with a different key."""


class UnknownEncryptionKeyError(Exception):
    """A payload sealed with a key ID this process does not hold (rotated out too early, or misconfigured)."""

    def __init__(self, key_id: str, known: Sequence[str]) -> None:
        self.key_id = key_id
        super().__init__(
            f"payload was encrypted with key ID '{key_id}', which is not in {KEYS_VAR} "
            f"(known IDs: {', '.join(known) or 'none'}); add that key back as a read key"
        )


class EnvelopeError(Exception):
    """The decrypted bytes are not a payload envelope this code understands."""


@dataclasses.dataclass(frozen=True)
class Keyring:
    write_id: str
    # By ID, in the variable's order; includes the write key.
    read_keys: Mapping[str, bytes]


def _decode_key(variable: str, where: str, raw: str) -> bytes:
    text = raw.strip()
    # Check the alphabet and length first, as the TS side does, so a typo is an error rather than a short key.
    if not _BASE64.match(text) or len(text) % 4 != 0:
        raise KeyringConfigError(
            f"{variable}: {where} is not valid base64 (expected a base64-encoded 32-byte key, e.g. from `openssl rand -base64 32`)"
        )
    key = base64.b64decode(text)
    if len(key) != 32:
        raise KeyringConfigError(f"{variable}: {where} decodes to {len(key)} bytes; AES-256 needs exactly 32 (`openssl rand -base64 32`)")
    return key


def _parse_key_list(raw: str) -> Keyring:
    entries = [e.strip() for e in raw.split(",") if e.strip()]
    if not entries:
        raise KeyringConfigError(f"{KEYS_VAR} is set but holds no keys (expected id:base64key[,id:base64key...])")
    keys: dict[str, bytes] = {}
    for i, entry in enumerate(entries):
        where = f"entry {i + 1}"
        colon = entry.find(":")
        if colon < 0:
            raise KeyringConfigError(f"{KEYS_VAR}: {where} has no key ID (expected id:base64key)")
        key_id = entry[:colon].strip()
        if not _KEY_ID.match(key_id):
            raise KeyringConfigError(f"{KEYS_VAR}: {where} has an invalid key ID (use 1-64 of A-Z a-z 0-9 . _ -)")
        if key_id in keys:
            raise KeyringConfigError(f"{KEYS_VAR}: key ID '{key_id}' appears twice")
        keys[key_id] = _decode_key(KEYS_VAR, f"key '{key_id}'", entry[colon + 1 :])
    # dicts keep insertion order: the first entry is the write key.
    return Keyring(write_id=next(iter(keys)), read_keys=keys)


def keyring_from_env(environ: Mapping[str, str] = os.environ) -> Keyring | None:
    """TAILOR_ENCRYPTION_KEYS (preferred, carries IDs) or TAILOR_ENCRYPTION_KEY; None when neither is set.

    Raises KeyringConfigError on a malformed value.
    """
    listed = environ.get(KEYS_VAR)
    if listed is not None and listed.strip():
        return _parse_key_list(listed)
    single = environ.get(KEY_VAR)
    if single is not None and single.strip():
        return Keyring(write_id=DEFAULT_KEY_ID, read_keys={DEFAULT_KEY_ID: _decode_key(KEY_VAR, "the value", single)})
    return None


def pack_payload(payload: Payload) -> bytes:
    parts = [bytes([ENVELOPE_VERSION]), struct.pack(">I", len(payload.metadata))]
    for k, v in payload.metadata.items():
        key = k.encode("utf-8")
        parts += [struct.pack(">I", len(key)), key, struct.pack(">I", len(v)), bytes(v)]
    parts.append(bytes(payload.data))
    return b"".join(parts)


def unpack_payload(buf: bytes) -> Payload:
    at = 0

    def take(n: int) -> bytes:
        nonlocal at
        if at + n > len(buf):
            raise EnvelopeError("decrypted payload envelope is truncated")
        out = buf[at : at + n]
        at += n
        return out

    version = take(1)[0]
    if version != ENVELOPE_VERSION:
        raise EnvelopeError(f"unknown payload envelope version {version}")
    (count,) = struct.unpack(">I", take(4))
    metadata: dict[str, bytes] = {}
    for _ in range(count):
        key = take(struct.unpack(">I", take(4))[0]).decode("utf-8", errors="replace")
        metadata[key] = take(struct.unpack(">I", take(4))[0])
    return Payload(metadata=metadata, data=buf[at:])


def seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    # A random 96-bit nonce per payload, as on the TS side.
    nonce = os.urandom(NONCE_BYTES)
    body_and_tag = AESGCM(key).encrypt(nonce, plaintext, aad)
    # cryptography appends the tag; Tailor's layout puts it before the ciphertext.
    return nonce + body_and_tag[-TAG_BYTES:] + body_and_tag[:-TAG_BYTES]


def open_sealed(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    if len(sealed) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError(f"encrypted payload is truncated ({len(sealed)} bytes)")
    nonce, tag, body = sealed[:NONCE_BYTES], sealed[NONCE_BYTES : NONCE_BYTES + TAG_BYTES], sealed[NONCE_BYTES + TAG_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, body + tag, aad)
    except InvalidTag:
        raise DecryptionError("encrypted payload failed authentication: it was altered or sealed with a different key") from None


def _text(b: bytes | None) -> str:
    return b.decode("utf-8", errors="replace") if b else ""


class EncryptionCodec(PayloadCodec):
    """AES-256-GCM over whole payloads; the key ID is stored in the clear and bound as additional authenticated data."""

    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        key_id = self.keyring.write_id
        key = self.keyring.read_keys[key_id]
        aad = key_id.encode("utf-8")
        return [
            Payload(
                metadata={"encoding": ENCRYPTED_ENCODING.encode(), KEY_ID_METADATA: aad},
                data=seal(key, pack_payload(p), aad),
            )
            for p in payloads
        ]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        out: list[Payload] = []
        for p in payloads:
            if _text(p.metadata.get("encoding")) != ENCRYPTED_ENCODING:
                out.append(p)
                continue
            key_id = _text(p.metadata.get(KEY_ID_METADATA))
            key = self.keyring.read_keys.get(key_id)
            if key is None:
                raise UnknownEncryptionKeyError(key_id, list(self.keyring.read_keys))
            out.append(unpack_payload(open_sealed(key, bytes(p.data), key_id.encode("utf-8"))))
        return out


def codec_from_env(environ: Mapping[str, str] = os.environ) -> PayloadCodec | None:
    """The codec for the configured keys, or None when encryption is off. Raises KeyringConfigError (a ValueError)."""
    keyring = keyring_from_env(environ)
    return EncryptionCodec(keyring) if keyring else None


def data_converter_from_env(environ: Mapping[str, str] = os.environ) -> DataConverter:
    """The default data converter, plus Tailor's encryption when a key variable is set, as on the TS side.

    With encryption on, failures' messages and stack traces move into encoded attributes (a payload the codec seals),
    so an activity failure's text (a file path, a provider's error) is not readable in history either.
    """
    codec = codec_from_env(environ)
    if not codec:
        return DataConverter.default
    return dataclasses.replace(
        DataConverter.default,
        payload_codec=codec,
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )
