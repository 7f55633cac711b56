"""Arguments and printing of `ingest stream` and `ingest replay` (the work is elsewhere)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0: {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0: {text!r}")
    return value


def _batch_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-batch-rows", type=_positive_int, default=5000)
    parser.add_argument(
        "--max-batch-seconds",
        type=_positive_float,
        default=2.0,
        help="close a batch this long after its first message (default: 2)",
    )
    parser.add_argument(
        "--stop-when-idle",
        type=_positive_float,
        default=None,
        metavar="SECONDS",
        help="exit 0 after this long without new input (default: run until stopped)",
    )
    parser.add_argument(
        "--lock-wait",
        type=_positive_float,
        default=None,
        metavar="SECONDS",
        help="give up when the warehouse stays locked this long (default: wait)",
    )


def add_commands(commands: Any, add_database: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the `stream` and `replay` sub-commands to the ingest CLI (add_database: the
    CLI's own --database option, so every command documents the same default)."""
    stream = commands.add_parser(
        "stream", help="land events continuously (Kafka or a folder) and build the features"
    )
    inputs = stream.add_subparsers(dest="input", required=True, metavar="INPUT")
    kafka = inputs.add_parser("kafka", help="consume a Kafka topic")
    kafka.add_argument("--bootstrap-servers", required=True, metavar="HOST:PORT")
    kafka.add_argument("--topic", required=True)
    kafka.add_argument("--group", required=True)
    _batch_flags(kafka)
    add_database(kafka)
    folder = inputs.add_parser("folder", help="take complete files from an events folder")
    folder.add_argument("folder", type=Path, metavar="DIR")
    _batch_flags(folder)
    add_database(folder)

    replay = commands.add_parser(
        "replay", help="play generated events at a fixed rate (to Kafka or a folder)"
    )
    outputs = replay.add_subparsers(dest="output", required=True, metavar="OUTPUT")
    to_kafka = outputs.add_parser("kafka", help="produce to a Kafka topic")
    where = to_kafka.add_mutually_exclusive_group(required=True)
    where.add_argument("--bootstrap-servers", metavar="HOST:PORT")
    where.add_argument(
        "--mock-cluster",
        action="store_true",
        help="start librdkafka's in-process mock cluster and print its address",
    )
    to_kafka.add_argument("--topic", default="user-events")
    to_kafka.add_argument(
        "--address-file",
        type=Path,
        default=None,
        help="with --mock-cluster: also write the address to this file",
    )
    to_kafka.add_argument(
        "--wait-for",
        type=Path,
        default=None,
        metavar="FILE",
        help="start sending once FILE exists (e.g. when the streamer is ready)",
    )
    to_folder = outputs.add_parser("folder", help="write event files into a folder")
    to_folder.add_argument("out", type=Path, metavar="OUT")
    to_folder.add_argument(
        "--file-seconds",
        type=_positive_float,
        default=1.0,
        help="start a new file this often (default: 1)",
    )
    for parser in (to_kafka, to_folder):
        parser.add_argument("--rate", type=_positive_float, required=True, help="events/s")
        parser.add_argument(
            "--from",
            dest="source",
            type=Path,
            default=Path("landing/events"),
            help="events folder to replay (default: landing/events)",
        )
        parser.add_argument("--limit", type=_positive_int, default=None, help="events to send")
    to_kafka.add_argument(
        "--keep-alive",
        type=float,
        default=None,
        metavar="SECONDS",
        help="with --mock-cluster: keep the cluster up this long after the last event"
        " (default: until stopped)",
    )


def _say(text: str) -> None:
    stamp = datetime.now(UTC).strftime("%H:%M:%S")
    print(f"{stamp} {text}", flush=True)


def _database(args: argparse.Namespace) -> Path:
    from ingest.settings import resolve

    return args.database or resolve().database


def run_stream(args: argparse.Namespace) -> int:
    from ingest.stream.run import StreamOptions, stream_folder, stream_kafka

    options = StreamOptions(
        database=_database(args),
        max_batch_rows=args.max_batch_rows,
        max_batch_seconds=args.max_batch_seconds,
        stop_when_idle=args.stop_when_idle,
        lock_wait=args.lock_wait,
    )
    if args.input == "kafka":
        code = stream_kafka(args.bootstrap_servers, args.topic, args.group, options, _say)
    else:
        code = stream_folder(args.folder, options, _say)
    _say("stream stopped")
    return code


def run_replay(args: argparse.Namespace) -> int:
    from ingest.stream.replay import replay_folder, replay_kafka

    if args.output == "kafka":
        return replay_kafka(
            args.source,
            rate=args.rate,
            topic=args.topic,
            servers=args.bootstrap_servers,
            limit=args.limit,
            address_file=args.address_file,
            keep_alive=args.keep_alive,
            say=_say,
            wait_for=args.wait_for,
        )
    return replay_folder(
        args.source,
        args.out,
        rate=args.rate,
        limit=args.limit,
        file_seconds=args.file_seconds,
        say=_say,
    )
