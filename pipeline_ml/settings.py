"""Settings the dbt Python models receive through ``dbt.config.get`` (fed by dbt vars).

dbt renders ``"{{ var('x') }}"`` in yml configs to native values where it can, but a value
may still arrive as text (e.g. from ``--vars``): every reader accepts both and fails with a
clear message otherwise.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from pipeline_ml.errors import InputError

if TYPE_CHECKING:
    from pipeline_ml.propensity import PropensitySettings
    from pipeline_ml.recommend import RecommenderSettings


def as_int(value: object, name: str, *, minimum: int | None = None) -> int:
    """An integer setting (``7`` or ``"7"``), optionally bounded below."""
    if isinstance(value, bool):
        raise InputError(f"setting {name} must be an integer, got {value!r}")
    try:
        number = int(str(value).strip()) if isinstance(value, str) else int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise InputError(f"setting {name} must be an integer, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise InputError(f"setting {name} must be at least {minimum}, got {number}")
    return number


def as_float(value: object, name: str) -> float:
    """A number setting (``0.5`` or ``"0.5"``)."""
    if isinstance(value, bool):
        raise InputError(f"setting {name} must be a number, got {value!r}")
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"setting {name} must be a number, got {value!r}") from None


def as_mapping(value: object, name: str) -> Mapping[str, object]:
    """A mapping setting: a dict, or its text (``"{'page_view': 1}"``, as dbt may render it)."""
    if isinstance(value, Mapping):
        return value
    if isinstance(value, str):
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            raise InputError(f"setting {name} must be a mapping, got {value!r}") from None
        if isinstance(parsed, Mapping):
            return parsed
    raise InputError(f"setting {name} must be a mapping, got {value!r}")


def as_timestamp(value: object, name: str) -> datetime | None:
    """An optional timestamp setting (the as_of var): None/empty, a datetime or ISO text.

    An offset is converted to UTC and dropped, as the warehouse stores naive UTC.
    """
    if value is None or (isinstance(value, str) and value.strip().lower() in {"", "none"}):
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise InputError(f"setting {name} must be an ISO timestamp, got {value!r}") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def as_day(value: object, name: str) -> date | None:
    """The UTC day of an optional timestamp setting (the ML models work in whole days)."""
    parsed = as_timestamp(value, name)
    return None if parsed is None else parsed.date()


def propensity_config(value: object) -> PropensitySettings:
    """The propensity models' settings from the ``propensity`` config mapping
    (_ml__models.yml: one mapping of dbt vars, shared by the two propensity models)."""
    from pipeline_ml.propensity import PropensitySettings

    config = as_mapping(value, "propensity")
    return PropensitySettings(
        horizon_days=as_int(config.get("horizon_days"), "horizon_days", minimum=1),
        threshold=as_float(config.get("threshold"), "threshold"),
        max_training_rows=as_int(config.get("max_training_rows"), "max_training_rows", minimum=1),
    )


def recommender_config(value: object) -> tuple[RecommenderSettings, int]:
    """(settings, test_days) of the recommenders from the ``recommender`` config mapping
    (_ml__models.yml: one mapping of dbt vars, shared by the two recommendation models)."""
    config = as_mapping(value, "recommender")
    return (
        recommender_settings(config),
        as_int(config.get("test_days"), "test_days", minimum=1),
    )


def recommender_settings(config: Mapping[str, object]) -> RecommenderSettings:
    """The recommenders' settings from a mapping of config values (vars' names without
    ``recommendation_``)."""
    from pipeline_ml.recommend import RecommenderSettings
    from pipeline_ml.sessions import MixtureWeights

    get = config.get
    settings = RecommenderSettings(
        k=as_int(get("top_k"), "top_k", minimum=1),
        neighbours=as_int(get("neighbours"), "neighbours", minimum=1),
        half_life_days=as_float(get("half_life_days"), "half_life_days"),
        popularity_exponent=as_float(get("popularity_exponent"), "popularity_exponent"),
        seed=as_int(get("random_seed"), "random_seed", minimum=0),
        mixture=MixtureWeights(
            follow_up=as_float(get("session_follow_up_weight"), "session_follow_up_weight"),
            resume=as_float(get("session_resume_weight"), "session_resume_weight"),
            alike_share=as_float(get("session_alike_share"), "session_alike_share"),
        ),
    )
    settings.validate()
    return settings
