"""The trainer worker: polls `tailor-trainer` (or --task-queue / TAILOR_TRAINER_TASK_QUEUE) for training activities.

python -m tailor_trainer.worker [--address 127.0.0.1:7233] [--namespace default] [--task-queue tailor-trainer]
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import Worker

from .activities import TrainerActivities
from .codec import data_converter_from_env
from .progress_signal import ProgressSignaller

DEFAULT_TASK_QUEUE = "tailor-trainer"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # Unset: Temporal's environment configuration (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TLS
    # settings, TEMPORAL_PROFILE and its TOML file), as Tailor's TypeScript workers read it; else 127.0.0.1:7233.
    p.add_argument("--address")
    p.add_argument("--namespace")
    p.add_argument("--task-queue", default=os.environ.get("TAILOR_TRAINER_TASK_QUEUE", DEFAULT_TASK_QUEUE))
    # One training at a time by default: it takes the whole accelerator (or CPU).
    p.add_argument("--max-concurrent", type=int, default=int(os.environ.get("TAILOR_TRAINER_CONCURRENCY", "1")))
    p.add_argument("--heartbeat-throttle", type=float, default=1.0, help="seconds between heartbeats sent to the server at most")
    p.add_argument(
        "--progress-every",
        type=float,
        default=float(os.environ.get("TAILOR_TRAINER_PROGRESS_EVERY", "30")),
        help="seconds between progress signals to the workflow at most (each is a history event); 0 turns them off",
    )
    return p.parse_args(argv)


def connect_config(args: argparse.Namespace) -> dict:
    """Client.connect's arguments: the environment's profile (a self-hosted cluster or Temporal Cloud: API key, mTLS),
    with --address and --namespace taking precedence."""
    from temporalio.envconfig import ClientConfigProfile

    config = dict(ClientConfigProfile.load().to_client_connect_config())
    config["target_host"] = args.address or config.get("target_host") or "127.0.0.1:7233"
    config["namespace"] = args.namespace or config.get("namespace") or "default"
    return config


async def run(args: argparse.Namespace) -> None:
    # Import the heavy libraries before polling, not inside the first activity, where they would delay its heartbeats.
    import peft  # noqa: F401
    import transformers  # noqa: F401
    import trl  # noqa: F401

    try:
        # The same payload encryption as Tailor's TypeScript workers (TAILOR_ENCRYPTION_KEYS), or none.
        data_converter = data_converter_from_env()
    except ValueError as e:
        sys.exit(f"tailor-trainer: {e}")
    try:
        config = connect_config(args)
    except Exception as e:  # a malformed profile or TOML file: the message names it
        sys.exit(f"tailor-trainer: Temporal environment configuration: {e}")
    args.address, args.namespace = config["target_host"], config["namespace"]
    try:
        client = await Client.connect(**config, data_converter=data_converter)
    except Exception as e:  # connection failures come in several types; the message is what the user needs
        sys.exit(f"tailor-trainer: cannot reach Temporal at {args.address} ({e})")
    signaller = ProgressSignaller(client, asyncio.get_running_loop(), args.progress_every) if args.progress_every > 0 else None
    with ThreadPoolExecutor(max_workers=args.max_concurrent) as pool:
        worker = Worker(
            client,
            task_queue=args.task_queue,
            activities=TrainerActivities(signaller).all(),
            activity_executor=pool,
            max_concurrent_activities=args.max_concurrent,
            max_heartbeat_throttle_interval=timedelta(seconds=args.heartbeat_throttle),
            graceful_shutdown_timeout=timedelta(seconds=30),
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with worker:
            print(f"tailor-trainer: polling task queue {args.task_queue} on {args.address} ({args.namespace})", flush=True)
            await stop.wait()
        print("tailor-trainer: stopped", flush=True)


def main(argv: list[str] | None = None) -> None:
    # activity.logger (attempt, resume point) goes to stderr; training progress goes to heartbeats
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "transformers", "datasets"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    asyncio.run(run(parse_args(argv)))


if __name__ == "__main__":
    main()
