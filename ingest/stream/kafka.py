"""The Kafka side of the streamer: connect, seek to the warehouse's offsets, form batches.

Partitions are assigned by the streamer itself (every partition of the topic, each from the
next offset stored in ``raw._stream_offsets``, or from the beginning when the warehouse has
none), not by group rebalancing: the warehouse, not Kafka, is the record of what has been
landed. The group id is still used to commit offsets to Kafka after each batch, so lag
monitoring works as usual. One streamer per topic and group; a second one would land
nothing twice (see ``ingest.stream.land``) but would duplicate the work.

Client settings beyond the command's flags come from the environment: every variable
``INGEST_KAFKA_<NAME>`` sets librdkafka's ``<name>`` (lower case, ``_`` -> ``.``), e.g.
``INGEST_KAFKA_SECURITY_PROTOCOL=SASL_SSL``, ``INGEST_KAFKA_SASL_PASSWORD=...``.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ingest.stream.errors import BrokerUnreachableError, StreamError, UnknownTopicError
from ingest.stream.land import MessageBatch

ENV_PREFIX = "INGEST_KAFKA_"
_METADATA_TIMEOUT = 2.0
_MAX_BACKOFF = 30.0


def client_settings(environ: dict[str, str] | None = None) -> dict[str, str]:
    """librdkafka settings from INGEST_KAFKA_* variables (never from files)."""
    env = os.environ if environ is None else environ
    return {
        name[len(ENV_PREFIX) :].lower().replace("_", "."): value
        for name, value in env.items()
        if name.startswith(ENV_PREFIX) and len(name) > len(ENV_PREFIX)
    }


def quiet_logger() -> logging.Logger:
    """A logger that drops librdkafka's log lines (they would go to stderr otherwise)."""
    logger = logging.getLogger("ingest.stream.librdkafka")
    logger.addHandler(logging.NullHandler())
    logger.propagate = False
    return logger


@dataclass
class KafkaInput:
    servers: str
    topic: str
    group: str
    say: Callable[[str], None]
    _consumer: Any = None
    _partitions: list[int] = field(default_factory=list)
    _last_error: str | None = None
    _last_said: float = 0.0

    def _on_error(self, error: Any) -> None:
        # librdkafka reconnects by itself, with its own back-off (reconnect.backoff.ms up to
        # reconnect.backoff.max.ms); say so at the first error, then every 30 s at most.
        text = str(error.str() if hasattr(error, "str") else error)
        now = time.monotonic()
        if self._last_error is None or now - self._last_said >= _MAX_BACKOFF:
            self._last_said = now
            self.say(f"Kafka: {text} (the client keeps retrying)")
        self._last_error = text

    def connect(self, should_stop: Callable[[], bool], give_up_after: float | None) -> bool:
        """Create the consumer and wait (with back-off) until the topic's metadata answers.

        Returns False if asked to stop first; raises BrokerUnreachableError after
        ``give_up_after`` seconds without a broker, UnknownTopicError if the topic is absent.
        """
        from confluent_kafka import Consumer, KafkaError, KafkaException

        settings: dict[str, Any] = {
            "bootstrap.servers": self.servers,
            "group.id": self.group,
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "auto.offset.reset": "earliest",
            "allow.auto.create.topics": False,
            "error_cb": self._on_error,
            # librdkafka's own log lines go nowhere: error_cb above says what matters.
            "logger": quiet_logger(),
            **client_settings(),
        }
        self._consumer = Consumer(settings)
        started = time.monotonic()
        delay = 1.0
        while True:
            try:
                metadata = self._consumer.list_topics(self.topic, timeout=_METADATA_TIMEOUT)
                if metadata.brokers:
                    break
                reason = "no broker in the metadata"
            except KafkaException as error:
                reason = str(error.args[0].str() if error.args else error)
            waited = time.monotonic() - started
            if give_up_after is not None and waited >= give_up_after:
                raise BrokerUnreachableError(self.servers, waited)
            self.say(
                f"Kafka broker {self.servers} unreachable ({reason}); retrying in {delay:.0f}s"
            )
            deadline = time.monotonic() + delay
            while time.monotonic() < deadline:
                if should_stop():
                    return False
                time.sleep(0.2)
            delay = min(delay * 2, _MAX_BACKOFF)
        topic = metadata.topics.get(self.topic)
        if topic is None or (
            topic.error is not None and topic.error.code() == KafkaError.UNKNOWN_TOPIC_OR_PART
        ):
            raise UnknownTopicError(self.topic, self.servers)
        if topic.error is not None:
            raise StreamError(f"topic {self.topic!r}: {topic.error.str()}")
        self._partitions = sorted(topic.partitions)
        if not self._partitions:
            raise UnknownTopicError(self.topic, self.servers)
        return True

    def assign(self, stored: dict[int, int]) -> None:
        """Read every partition from the warehouse's next offset (or from the beginning)."""
        from confluent_kafka import OFFSET_BEGINNING, TopicPartition

        self._consumer.assign(
            [
                TopicPartition(self.topic, partition, stored.get(partition, OFFSET_BEGINNING))
                for partition in self._partitions
            ]
        )

    def next_batch(
        self,
        max_rows: int,
        max_seconds: float,
        should_stop: Callable[[], bool],
        idle_seconds: float | None,
    ) -> MessageBatch | None:
        """Messages until max_rows or max_seconds after the first; None when idle/stopped.

        Returns None if ``idle_seconds`` pass without a message, or if a stop is requested
        (the messages read so far are dropped: they are not landed, so they are read again
        on the next start).
        """
        from confluent_kafka import KafkaError

        batch = MessageBatch()
        waiting_since = time.monotonic()
        first_at: float | None = None
        while True:
            if should_stop():
                return None
            now = time.monotonic()
            if first_at is not None and (len(batch) >= max_rows or now - first_at >= max_seconds):
                return batch
            if first_at is None and _idle(idle_seconds, now - waiting_since):
                return None
            left = 0.2 if first_at is None else max_seconds - (now - first_at)
            timeout = max(0.01, min(0.2, left))
            messages = self._consumer.consume(num_messages=max_rows - len(batch), timeout=timeout)
            for message in messages:
                error = message.error()
                if error is not None:
                    if error.code() == KafkaError._PARTITION_EOF:
                        continue
                    if error.code() == KafkaError.UNKNOWN_TOPIC_OR_PART:
                        raise UnknownTopicError(self.topic, self.servers)
                    self._on_error(error)
                    continue
                _, sent_ms = message.timestamp()
                batch.add(message.partition(), message.offset(), message.value(), sent_ms)
            if len(batch) and first_at is None:
                first_at = time.monotonic()
                if self._last_error is not None:
                    self.say("Kafka: receiving again")
                    self._last_error = None

    def lag(self, next_offsets: dict[int, int]) -> int | None:
        """Messages on the topic past ``next_offsets`` (asks the broker: a round trip)."""
        from confluent_kafka import TopicPartition

        total = 0
        for partition, offset in next_offsets.items():
            try:
                _, high = self._consumer.get_watermark_offsets(
                    TopicPartition(self.topic, partition), timeout=2.0
                )
            except Exception:  # noqa: BLE001 - lag is informative only
                return None
            if high < 0:
                return None
            total += max(high - offset, 0)
        return total

    def commit(self, next_offsets: dict[int, int]) -> str | None:
        """Commit the landed offsets to Kafka (for lag monitoring); a failure is only said."""
        from confluent_kafka import KafkaException, TopicPartition

        if not next_offsets:
            return None
        try:
            self._consumer.commit(
                offsets=[
                    TopicPartition(self.topic, partition, offset)
                    for partition, offset in sorted(next_offsets.items())
                ],
                asynchronous=False,
            )
        except KafkaException as error:
            return str(error.args[0].str() if error.args else error)
        return None

    def seek_back(self, stored: dict[int, int]) -> None:
        """After a batch that was not landed: read again from the stored offsets."""
        self.assign(stored)

    def close(self) -> None:
        if self._consumer is not None:
            self._consumer.close()
            self._consumer = None


def _idle(idle_seconds: float | None, waited: float) -> bool:
    return idle_seconds is not None and waited >= idle_seconds
