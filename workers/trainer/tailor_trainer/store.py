"""The artifact store when the trainer runs on its own host: S3-compatible object storage (boto3).

The TypeScript side names the training file by reference (`trainingArtifact`: sha256, store location, key); the
trainer fetches it into a local cache, checked against its sha256, and uploads the trained output under
`<prefix>/adapters/<digest>.tar` (the digest is training.dir_sha256 of the folder, the one the model id carries), so
a chat server on yet another host loads it by digest. Endpoint, region and credentials come from the standard AWS
environment (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, ...).

Failures are classified: `ArtifactCorrupted` (bytes that do not hash to their key) is not worth retrying; the store
being unreachable or refusing (`ArtifactStoreUnavailable`) is.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import tarfile
import tempfile
import uuid
from dataclasses import dataclass
from typing import Any

ADAPTERS = "adapters"


class StoreError(Exception):
    def __init__(self, message: str, type: str, retryable: bool) -> None:  # noqa: A002 - the failure type's name
        super().__init__(message)
        self.type = type
        self.retryable = retryable


@dataclass(frozen=True)
class S3Location:
    bucket: str
    prefix: str  # without leading or trailing slashes

    @staticmethod
    def parse(spec: str, source: str) -> "S3Location":
        m = re.fullmatch(r"s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/(.*))?", spec.strip())
        if not m:
            raise ValueError(
                f"{source}: {spec!r} is not s3://bucket/prefix (a lower-case bucket name, 3-63 characters)"
            )
        return S3Location(m.group(1), (m.group(2) or "").strip("/"))

    def key(self, *parts: str) -> str:
        return "/".join([self.prefix, *parts] if self.prefix else list(parts))

    def uri(self, key: str) -> str:
        return f"s3://{self.bucket}/{key}"


def client() -> Any:
    import boto3
    from botocore.config import Config

    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    # A custom endpoint (MinIO, moto, ...) is addressed path-style, as the TypeScript store does.
    config = Config(s3={"addressing_style": "path"} if endpoint else {}, retries={"max_attempts": 1})
    return boto3.client("s3", endpoint_url=endpoint, config=config)


def _unavailable(where: str, action: str, err: Exception) -> StoreError:
    code = getattr(err, "response", {}).get("Error", {}).get("Code", "") if hasattr(err, "response") else ""
    if code in ("NoSuchKey", "404", "NotFound"):
        return StoreError(f"artifact store {where}: {action}: no such object", "ArtifactMissing", False)
    if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "403", "NoSuchBucket"):
        return StoreError(f"artifact store {where}: {action}: {code}: {err}", "ArtifactStoreRefused", False)
    return StoreError(f"artifact store {where}: {action}: {err}", "ArtifactStoreUnavailable", True)


def tailor_home() -> str:
    """This host's Tailor folder, as the TypeScript side finds it: TAILOR_HOME, else ~/.tailor."""
    return os.environ.get("TAILOR_HOME") or os.path.join(os.path.expanduser("~"), ".tailor")


def cache_root() -> str:
    return os.path.join(tailor_home(), "artifacts")


def fetch_artifact(location: str, key: str, sha256: str, s3: Any = None) -> str:
    """The artifact's local copy in the cache under TAILOR_HOME (fetched once, checked against sha256)."""
    where = S3Location.parse(location, "trainingArtifact.location")
    dest = os.path.join(cache_root(), sha256[:2], sha256)
    if os.path.isfile(dest):
        return dest
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    tmp = f"{dest}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        try:
            body = (s3 or client()).get_object(Bucket=where.bucket, Key=key)["Body"]
            h = hashlib.sha256()
            with open(tmp, "wb") as f:
                for chunk in iter(lambda: body.read(1 << 20), b""):
                    h.update(chunk)
                    f.write(chunk)
        except Exception as e:  # botocore's errors come in many types; the classification reads their codes
            raise _unavailable(location, f"read {key}", e) from None
        if h.hexdigest() != sha256:
            raise StoreError(
                f"artifact store {location}: {key} is corrupted: its bytes hash to {h.hexdigest()}, not {sha256}",
                "ArtifactCorrupted",
                False,
            )
        os.replace(tmp, dest)
        return dest
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _tar(folder: str, out: str) -> None:
    """A reproducible archive: sorted names, no owners or times, so the same folder gives the same bytes."""

    def clean(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mtime = 0
        return info

    with tarfile.open(out, "w") as tar:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames.sort()
            for name in sorted(filenames):
                full = os.path.join(dirpath, name)
                tar.add(full, arcname=os.path.relpath(full, folder), filter=clean)


def upload_adapter(location: str, folder: str, digest: str, s3: Any = None) -> str:
    """Stores a trained output under `<prefix>/adapters/<digest>.tar`; returns its s3:// URI. Idempotent: an object
    already under that key holds the same folder, so a retried attempt does not upload twice."""
    where = S3Location.parse(location, "trainingArtifact.location")
    key = where.key(ADAPTERS, f"{digest}.tar")
    s3 = s3 or client()
    try:
        s3.head_object(Bucket=where.bucket, Key=key)
        return where.uri(key)
    except Exception as e:
        err = _unavailable(location, f"look up {key}", e)
        if err.type != "ArtifactMissing":
            raise err from None
    with tempfile.TemporaryDirectory(prefix="tailor-adapter-") as tmp:
        archive = os.path.join(tmp, "adapter.tar")
        _tar(folder, archive)
        try:
            # upload_file goes multipart for large files: invisible under the key until completed.
            s3.upload_file(archive, where.bucket, key, ExtraArgs={"Metadata": {"dir-sha256": digest}})
        except Exception as e:
            raise _unavailable(location, f"write {key}", e) from None
    return where.uri(key)


def fetch_adapter(uri: str, cache_dir: str, s3: Any = None) -> str:
    """The folder for an adapter URI from upload_adapter, extracted once into cache_dir/<digest> and checked: its
    files must hash (training.dir_sha256) to the digest in its key."""
    from .training import dir_sha256

    m = re.fullmatch(r"(s3://.+)/" + ADAPTERS + r"/([0-9a-f]{64})\.tar", uri)
    if not m:
        expected = "s3://bucket/prefix/adapters/<sha256>.tar"
        raise StoreError(f"{uri}: not an adapter in an artifact store ({expected})", "InvalidAdapterUri", False)
    location, digest = m.group(1), m.group(2)
    dest = os.path.join(cache_dir, digest)
    if os.path.isdir(dest):
        return dest
    where = S3Location.parse(location, "lora_path")
    key = where.key(ADAPTERS, f"{digest}.tar")
    os.makedirs(cache_dir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=f".{digest[:12]}-", dir=cache_dir)
    try:
        archive = os.path.join(tmp, "adapter.tar")
        try:
            (s3 or client()).download_file(where.bucket, key, archive)
        except Exception as e:
            raise _unavailable(location, f"read {key}", e) from None
        folder = os.path.join(tmp, "adapter")
        try:
            with tarfile.open(archive) as tar:
                tar.extractall(folder, filter="data")
        except (tarfile.TarError, OSError) as e:
            why = f"artifact store {location}: {key} is corrupted: not an adapter archive ({e})"
            raise StoreError(why, "ArtifactCorrupted", False) from None
        got = dir_sha256(folder)
        if got != digest:
            why = f"artifact store {location}: {key} is corrupted: its files hash to {got}"
            raise StoreError(why, "ArtifactCorrupted", False)
        try:
            os.replace(folder, dest)
        except OSError:  # another load placed it first: the same content
            pass
        return dest
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
