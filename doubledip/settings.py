"""Typed settings: one frozen dataclass per task, its presets instances of it.

A misspelt setting is an error, not a silently ignored dict key: :meth:`Settings.replace` rejects unknown names
and stage names, and says which exist. Stage lengths are kept by stage name (``steps={"prior": 60,
"decompose": 340}``), so a task reads ``s.steps["decompose"]`` rather than a position in a tuple.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .io import InputError
from .nets import Arch


def whole_number(value: Any, name: str) -> int:
    """``value`` as an int when it is a whole number (an int, or a float such as 300.0); raises
    :class:`~doubledip.io.InputError` naming ``name`` for anything else (NaN, 1.5, "a", True)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)  # exact, however large (a float of 99999999999999999999 is not equal to it)
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)) \
            or float(value) != int(value):
        raise InputError(f"{name} must be a whole number; got {value!r}")
    return int(value)


def _typed(name: str, annotation: str, value: Any) -> Any:
    """``value`` for the setting ``name`` declared as ``annotation`` (a plain int, float, str or bool, optionally
    ``| None``; other types pass as given), or :class:`~doubledip.io.InputError` naming what it must be: a string
    learning rate reached a comparison deep in the run as a bare TypeError."""
    kind = annotation.removesuffix(" | None")
    label = {"size": "working size"}.get(name, f"setting {name!r}")
    if kind == "bool" and not isinstance(value, bool):
        raise InputError(f"{label} is on or off: give True or False; got {value!r}")
    if kind == "int":
        return whole_number(value, label)
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
            raise InputError(f"{label} must be a finite number; got {value!r}")
        return float(value)
    if kind == "str" and not isinstance(value, str):
        raise InputError(f"{label} must be a text; got {value!r}")
    return value


@dataclass(frozen=True)
class Settings:
    """What every task's settings hold.

    ``arch``: the generators' architecture. ``steps``: optimisation steps per stage, by stage name, in order.
    ``lr``: Adam's learning rate. ``noise_scale``: the scale of the generators' fixed uniform input z (DIP: 1/10,
    Double-DIP: 1/100). ``reg_noise``: std of the Gaussian added to z at each step (DIP: 1/30). ``every``: a
    snapshot every N steps.
    """

    name: str
    arch: Arch
    steps: Mapping[str, int] = field(default_factory=dict)
    lr: float = 0.01
    noise_scale: float = 0.1
    reg_noise: float = 0.0
    every: int = 10

    task: ClassVar[str] = "task"

    @property
    def total_steps(self) -> int:
        return sum(self.steps.values())

    def replace(self, **overrides: Any) -> Settings:
        """A copy with fields replaced; ``None`` values are ignored (an option left empty).

        ``steps=N`` (an int) rescales every stage to total N; ``steps={"stage": n}`` sets named stages.
        Raises :class:`~doubledip.io.InputError` (a ``ValueError``) for an unknown field or stage, steps that are not a
        whole number ≥ 1, or what :meth:`check` refuses.
        """
        overrides = {k: v for k, v in overrides.items() if v is not None}
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise InputError(f"unknown setting{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} "
                             f"for {self.task} (known: {', '.join(sorted(known - {'name'}))})")
        if "steps" in overrides:
            overrides["steps"] = self._steps(overrides["steps"])
        types = {f.name: str(f.type) for f in dataclasses.fields(self)}
        overrides = {k: v if k == "steps" else _typed(k, types[k], v) for k, v in overrides.items()}
        new = dataclasses.replace(self, **overrides)
        new.check()
        return new

    def check(self) -> None:
        """Raise :class:`~doubledip.io.InputError` for values no run can use (subclasses add their own rules)."""
        if not self.lr > 0 or self.every < 1:
            raise InputError("lr must be > 0 and every ≥ 1")

    def _steps(self, value: int | Mapping[str, int]) -> dict[str, int]:
        if isinstance(value, Mapping):
            bad = sorted(set(value) - set(self.steps))
            if bad:
                raise InputError(f"unknown stage {', '.join(map(repr, bad))} (stages: {', '.join(self.steps)})")
            out = {**self.steps, **{k: whole_number(v, f"steps[{k!r}]") for k, v in value.items()}}
        else:
            total = whole_number(value, "steps")
            if total < 1:
                raise InputError("steps must be at least 1")
            base = self.total_steps or 1
            names = list(self.steps)
            out = {n: int(round(s * total / base)) for n, s in self.steps.items()}
            out[names[-1]] = max(1, total - sum(out[n] for n in names[:-1]))
        if sum(out.values()) < 1 or min(out.values()) < 0:
            raise InputError("steps must be at least 1")
        return out


@dataclass(frozen=True)
class DecompositionSettings(Settings):
    """A Double-DIP decomposition's settings: also ``size``, the working long side in px (None: the input's own;
    results are brought back to full size), ``patience``, early stopping on a reconstruction-PSNR plateau of this
    many steps (0: off), and, for a clip, ``frames_per_step`` (None: every frame at every step)."""

    size: int | None = None
    patience: int = 0
    frames_per_step: int | None = None

    def check(self) -> None:
        super().check()
        if self.size is not None and whole_number(self.size, "working size") < 32:
            # Said the same to the CLI, the page and the API (it named "--size on the command line" to all three).
            raise InputError(f"working size must be at least 32 px; got {self.size}")
