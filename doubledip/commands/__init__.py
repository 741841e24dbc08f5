"""CLI sub-commands, one module per task family; importing a module registers its commands."""

from . import images  # noqa: F401
from . import layers  # noqa: F401
