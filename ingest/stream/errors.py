"""Errors of the streaming commands (subclasses of the package's IngestError)."""

from __future__ import annotations

from pathlib import Path

from ingest.errors import IngestError, UsageError, WarehouseLockedError


class StreamError(IngestError):
    """The stream cannot go on (one-line message, exit code 1)."""


class BrokerUnreachableError(StreamError):
    def __init__(self, servers: str, waited_seconds: float) -> None:
        super().__init__(f"Kafka broker {servers} unreachable for {waited_seconds:.0f}s; giving up")


class UnknownTopicError(StreamError):
    def __init__(self, topic: str, servers: str) -> None:
        super().__init__(f"topic {topic!r} does not exist on {servers}")


class StreamUsageError(UsageError):
    """A bad command line value (exit code 2)."""


class LockTimeoutError(WarehouseLockedError):
    """The warehouse stayed locked for longer than the allowed wait."""

    def __init__(self, database: Path, holder: str, waited: float) -> None:
        Exception.__init__(
            self,
            f"warehouse {database} is locked by {holder}; gave up after {waited:.0f}s"
            " (the batch job or another writer holds it)",
        )
        self.database = database
        self.pid = None
