"""CLI sub-commands, one module per task family; importing a module registers its commands."""

from . import images, layers, video  # noqa: F401
