"""The strategy registry: names are unique, required attributes enforced, unknown names listed."""

from __future__ import annotations

import pytest

import infopick
from infopick.select.base import LabelUse, Strategy, get_strategy, register, registry


def test_duplicate_name_is_refused() -> None:
    with pytest.raises(ValueError, match="already registered"):

        @register
        class Again(Strategy):  # noqa: F841
            name = "random"
            family = "baseline"
            label_use = LabelUse.NONE
            summary = "a second random"

            def select(self, features, budget, *, rng, labels=None):  # type: ignore[no-untyped-def]
                raise NotImplementedError


def test_missing_attribute_is_refused() -> None:
    with pytest.raises(TypeError, match="'summary'"):

        @register
        class NoSummary(Strategy):  # noqa: F841
            name = "nosummary"
            family = "x"
            label_use = LabelUse.NONE

            def select(self, features, budget, *, rng, labels=None):  # type: ignore[no-untyped-def]
                raise NotImplementedError

    assert "nosummary" not in registry()


def test_unknown_name_lists_the_valid_ones() -> None:
    with pytest.raises(infopick.UnknownNameError, match=r"unknown strategy 'kcentre'; valid: auto, balanced, .*kcenter, .*typiclust"):
        get_strategy("kcentre")


def test_unknown_parameter_is_a_clear_error() -> None:
    with pytest.raises(infopick.InfopickError, match="'random'"):
        get_strategy("random", radius=3)


def test_parse_params_reads_json_values_and_names_its_source_on_a_bad_pair() -> None:
    # the CLI's --param and the benchmarks' NAME:KEY=VALUE specs share this parser
    assert infopick.parse_params(["k=2", "eps=0.5", "power=log-n", "x=null", "on=true"]) == {
        "k": 2, "eps": 0.5, "power": "log-n", "x": None, "on": True}
    for bad in ("k", "=2"):
        with pytest.raises(infopick.InfopickError, match="--param wants KEY=VALUE"):
            infopick.parse_params([bad], "--param")
