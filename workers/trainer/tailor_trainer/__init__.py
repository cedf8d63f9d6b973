"""Tailor's self-hosted trainer: a Temporal Python worker that fine-tunes local open-weight models (full or LoRA)."""
