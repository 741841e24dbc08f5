"""CLI sub-commands: one per registered task (generated, :mod:`.tasks`), and the clip commands (:mod:`.video`)."""

from . import tasks, video  # noqa: F401
