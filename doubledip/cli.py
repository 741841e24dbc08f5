"""Command line: ``python -m doubledip TASK ...``.

Each sub-command is one :class:`Command`: its own arguments, and a ``run`` that turns parsed arguments into a
snapshot generator plus a function that writes the result's files. Everything else — progress bar, the shared
options, atomic output directories, the exit code 2 on bad input — is done once here.
"""

from __future__ import annotations

import argparse
import difflib
import errno
import json
import math
import os
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from .engine import Result, Snapshot
from .io import InputError, InputNote
from .registry import fit_means

EXIT_BAD_INPUT = 2

Writer = Callable[[Result, Path], None]


@dataclass
class Command:
    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    # Returns the snapshot stream and the writer of the final files; raises InputError on bad input.
    start: Callable[[argparse.Namespace, dict], tuple[Iterator[Snapshot], Writer]]
    working_size: bool = True  # whether --size applies (not to the restorations: they work at the photo's size)
    example: str = ""  # the arguments of a run on the bundled examples (from the repository's root), before --out


COMMANDS: list[Command] = []


def register(name: str, help: str, add_arguments: Callable[[argparse.ArgumentParser], None],
             start: Callable[[argparse.Namespace, dict], tuple[Iterator[Snapshot], Writer]],
             working_size: bool = True, example: str = "") -> None:
    """Add the sub-command ``name``: ``add_arguments`` declares its arguments, ``start`` begins its run;
    ``example``, the arguments of a run (before ``--out``), is shown at the end of its ``--help``."""
    COMMANDS.append(Command(name, help, add_arguments, start, working_size, example))


def command(name: str, help: str, add_arguments: Callable[[argparse.ArgumentParser], None], example: str = ""):
    """Decorator form of :func:`register` for a hand-written ``start``."""

    def decorate(start):
        register(name, help, add_arguments, start, example=example)
        return start

    return decorate


def _shared(p: argparse.ArgumentParser, working_size: bool = True) -> None:
    p.add_argument("--out", required=True, help="output directory (created; written only when the run succeeds)")
    p.add_argument("--preset", default="fast", choices=["fast", "paper"],
                   help="settings: fast (the default; on a CPU seconds to a minute a photo, up to three minutes a "
                        "48-frame clip) or paper (the papers' own settings: minutes to hours on a CPU)")
    p.add_argument("--steps", type=int,
                   help="at most this many optimisation steps, instead of the preset's (early stopping may end the "
                        "run sooner; the fast preset's watermark fit and video tracking run no network steps)")
    if working_size:  # the restorations work at the photo's own size
        p.add_argument("--size", type=int,
                       help="working long side in px, 32 or more, instead of the preset's (never above the input's, "
                            "except that each side is at least the networks' smallest: 16-96 px by task and "
                            "preset)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"],
                   help="where the networks run (default auto: CUDA when present)")
    p.add_argument("--quiet", action="store_true",
                   help="print nothing: no progress, no notes (summary.json keeps the notes)")


def settings(args: argparse.Namespace) -> dict:
    """The shared options as keyword arguments of the command's ``iterate_*`` function: ``size`` only where the
    command has ``--size`` (the restorations work at the photo's own size and refuse a ``size`` keyword)."""
    opts = {"preset": args.preset, "steps": args.steps, "seed": args.seed, "device": args.device}
    if hasattr(args, "size"):
        opts["size"] = args.size
    return opts


def _progress(snap: Snapshot, width: int = 30) -> str:
    if snap.total <= 0:  # fitted without network steps (one photo's watermark): an empty "0/0" bar said nothing
        return f"\r{snap.task}: fitted without network steps, {snap.stage} {snap.seconds:5.1f}s"
    frac = min(1.0, snap.step / max(1, snap.total))
    bar = "#" * int(frac * width) + "-" * (width - int(frac * width))
    eta = "" if snap.eta != snap.eta else f" eta {snap.eta:5.0f}s"
    fit = "" if snap.psnr != snap.psnr else f" psnr {snap.psnr:5.2f} dB"  # NaN: nothing reconstructed
    return f"\r{snap.task} [{bar}] {snap.step}/{snap.total} {snap.stage:<10}{fit} {snap.seconds:5.1f}s{eta}"


def write_summary(result: Result, out: Path, extra: dict | None = None) -> None:
    (out / "summary.json").write_text(json.dumps({**result.summary(), **(extra or {})}, indent=2) + "\n")


def example_line(c: Command) -> str:
    """The command line of ``c``'s example, as its ``--help`` ends with it."""
    return f"{_prog()} {c.name} {c.example} --out out/{c.name.replace('-', '_')}"


class _Help(argparse.HelpFormatter):
    """argparse's help, but an example's command line is left whole (wrapped, it could not be copied and run)."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("example"):
            return "\n".join(indent + line for line in text.splitlines())
        return super()._fill_text(text, width, indent)


class _Parser(argparse.ArgumentParser):
    """argparse with the house's one-line errors: ``error: …`` and exit code 2, not seven lines of usage; an option is
    named in full (argparse took ``--learn`` for ``--learn-airlight`` without a word: a new user's trial)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, allow_abbrev=False, **kwargs)

    def error(self, message: str) -> NoReturn:
        if message.endswith("expected one argument"):
            message += " (a value that starts with '-' is given as --option=value, e.g. --airlight=-1,0,0)"
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


def _near(typed: str, options: list[str]) -> str | None:
    """The option a mistyped ``typed`` most likely meant: the one it begins (``--learn``: ``--learn-airlight``), or
    one close in spelling (``--hnit``: ``--hint``; at a similarity of 0.75, so ``--size`` is not read as ``--seed``)."""
    begun = [o for o in options if o.startswith(typed) and len(typed) > 3]
    return begun[0] if len(begun) == 1 else next(iter(difflib.get_close_matches(typed, options, 1, 0.75)), None)


def main(argv: list[str] | None = None) -> int:
    from . import commands  # noqa: F401  (registers the sub-commands)

    parser = _Parser(
        prog=_prog(),
        description="Pull a photo apart into layers (Double-DIP) or restore it (Deep Image Prior) with small untrained "
                    "networks optimised on the input itself. Each sub-command has its own --help.")
    sub = parser.add_subparsers(dest="command", required=True)
    for c in COMMANDS:
        # Each ends with an example to copy (none had one: a new user's trial).
        p = sub.add_parser(c.name, help=c.help, description=c.help, formatter_class=_Help,
                           epilog=c.example and f"example (from the repository's root):\n  {example_line(c)}")
        c.add_arguments(p)
        _shared(p, c.working_size)
    args, extra = parser.parse_known_args(argv)
    if extra:  # said by the sub-command's parser, which points to its own --help (where its options are listed)
        own = sub.choices[args.command]
        near = [_near(x.split("=")[0], list(own._option_string_actions)) for x in extra if x.startswith("--")]
        near = [m for m in near if m]
        # "did you mean", as the Python API says it for a misspelt keyword (--hnit: a new user's trial)
        own.error(f"unrecognized arguments: {' '.join(extra)}"
                  + (f"; did you mean {' or '.join(dict.fromkeys(near))}?" if near else ""))
    cmd = next(c for c in COMMANDS if c.name == args.command)
    if not args.out.strip():  # Path("") is the current directory: an empty value is a slip, not a choice
        return _fail("--out is empty: give the directory to write the results to (e.g. --out result; "
                     "--out . for the current one)")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        return _fail(f"--out {out}: exists and is not a directory")
    unwritable = _unwritable(out)
    if unwritable:  # found before the run, not after minutes of it
        return _fail(f"--out {out}: {unwritable}")
    try:
        t0 = time.perf_counter()  # some tasks do their work in start() (a closed-form fit): it counts
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", InputNote)
            snapshots, write = cmd.start(args, settings(args))
        input_notes = _notes_from(caught)
        result = None
        for snap in snapshots:
            if not args.quiet:
                sys.stderr.write(_progress(snap))
                sys.stderr.flush()
            result = snap.result
        assert result is not None
        if not args.quiet:
            # The bar showed the networks' fit; Result.psnr is the final layers' re-make for separation, else the
            # networks' fit at their last step (see Result): "the reconstruction" is both.
            fit = (f", the reconstruction re-makes the input to {result.psnr:.2f} dB" if math.isfinite(result.psnr)
                   else "")
            means = fit_means(result.task)
            fit += f" ({means})" if fit and means else ""
            sys.stderr.write(f"\ndone in {time.perf_counter() - t0:.1f}s{fit}\n")
        note = _size_note(args, result)
        if note:
            input_notes.append(note)
        result.notes = [*input_notes, *result.notes]  # how the inputs were read, first
        # Write into a sibling temporary directory, then move it into place: no half-written --out on failure.
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
        try:
            write(result, tmp)
            files = sorted({f.relative_to(tmp).as_posix() for f in tmp.rglob("*") if f.is_file()} | {"summary.json"})
            write_summary(result, tmp, {"command": args.command, "seed": args.seed, "files": files})
            stale = _previous_files(out) - set(files)
            _commit(tmp, out, files)
            _remove(out, stale)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    except InputError as e:
        return _fail(str(e))
    except FloatingPointError as e:  # the optimisation diverged (engine): said plainly, nothing written
        sys.stderr.write(f"\nerror: {e}\n")
        return 1
    except OSError as e:  # the output could not be written after all (disk full, permissions changed)
        return _fail(f"--out {out}: could not write the results ({e.strerror or e}); nothing written")
    except ValueError as e:  # bad option values (preset, size, device) surface as ValueError from the library
        return _fail(str(e))
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted; nothing written\n")
        return 130
    if not args.quiet:
        sys.stderr.write(f"wrote {out}\n")
        for note in result.notes:  # also in summary.json; said here so that a user watching the terminal sees them
            sys.stderr.write(f"note: {note}\n")
    return 0


def _size_note(args: argparse.Namespace, result: Result) -> str | None:
    """What to say when the working size used is not the ``--size`` asked for (beyond rounding to the networks'
    multiple): capped at the photo's own size, or raised to the least side the preset's networks take. None when
    the command has no ``--size``, it was not given, or no networks ran (steps 0)."""
    size = getattr(args, "size", None)
    if not (size and result.steps):
        return None
    from .presets import get_preset

    arch = get_preset(args.command, args.preset).arch
    h, w = result.working_size
    if max(h, w) < size - arch.multiple // 2:
        return (f"--size {size} is more than the photo's long side: worked at {w}×{h} px (the photo's own size, each "
                "side rounded to a multiple the networks take; a photo is never enlarged beyond that)")
    if max(h, w) > size + arch.multiple // 2:
        return (f"--size {size} is less than the {args.preset} preset's networks take: worked at {w}×{h} px (no side "
                f"under {arch.min_side} px, what their down-sampling levels allow)")
    return None


def _prog() -> str:
    """How the user called us, for the usage line: the installed ``doubledip`` command or ``python -m doubledip``."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return "doubledip" if name in ("doubledip", "doubledip.exe") else "python -m doubledip"


def _commit(tmp: Path, out: Path, files: list[str]) -> None:
    """Move ``files`` (paths relative to both) from the finished ``tmp`` into ``out``: all of them or none. What
    stands in a file's way (a folder of that name, a file where a folder must be) is found before anything moves;
    if a move fails all the same (disk full, permissions changed), the files moved are taken out again and the
    earlier files they replaced are put back. Raises OSError, with ``out`` as it was."""
    for name in files:
        dest = out / name
        if dest.is_dir():
            raise IsADirectoryError(errno.EISDIR, f"{dest} is a folder, where the result's file {name} goes")
        blocked = next((d for d in dest.parents if d.is_relative_to(out) and d.exists() and not d.is_dir()), None)
        if blocked is not None:
            raise NotADirectoryError(errno.ENOTDIR, f"{blocked} is a file, where the result's folder goes")
    saved = Path(tempfile.mkdtemp(prefix=f".{out.name}.previous.", dir=out.parent))
    folders = {out / p for f in files for p in Path(f).parents}  # each file's folders within out, and out itself
    made = [d for d in folders if not d.exists()]
    moved: list[str] = []
    kept: list[str] = []
    try:
        for name in files:
            dest = out / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            if dest.exists():
                (saved / name).parent.mkdir(parents=True, exist_ok=True)
                os.replace(dest, saved / name)
                kept.append(name)
            os.replace(tmp / name, dest)
            moved.append(name)
    except OSError:
        for name in moved:
            (out / name).unlink(missing_ok=True)
        for name in kept:
            os.replace(saved / name, out / name)
        for d in sorted(made, key=lambda d: len(d.parts), reverse=True):  # folders made here, deepest first
            if d.is_dir() and not any(d.iterdir()):
                d.rmdir()
        raise
    finally:
        shutil.rmtree(saved, ignore_errors=True)


def _previous_files(out: Path) -> set[str]:
    """The files an earlier run wrote into ``out`` (its summary.json's ``files``), so that a result written over it
    does not leave the earlier one's other layers or frames beside it. Empty when there is none, it is unreadable,
    or it is not one this CLI wrote (its ``command`` one of ours, ``summary.json`` among its files): a summary.json
    of anything else never gets a user's own files deleted."""
    try:
        summary = json.loads((out / "summary.json").read_text())
    except (OSError, ValueError):
        return set()
    listed = summary.get("files") if isinstance(summary, dict) else None
    ours = {c.name for c in COMMANDS}
    if not isinstance(listed, list) or summary.get("command") not in ours or "summary.json" not in listed:
        return set()
    return {f for f in listed if isinstance(f, str) and ".." not in Path(f).parts and not Path(f).is_absolute()}


def _remove(out: Path, stale: set[str]) -> None:
    """Delete ``stale`` files (paths relative to ``out``) and the folders they leave empty."""
    for name in stale:
        path = out / name
        if path.is_file():
            path.unlink()
            for parent in path.parents:
                if parent == out or not parent.is_relative_to(out) or any(parent.iterdir()):
                    break
                parent.rmdir()


def _unwritable(out: Path) -> str | None:
    """Why ``out`` (a directory to create or fill) cannot be written, or None: its nearest existing ancestor must be
    a writable directory."""
    probe = out.absolute()
    while not probe.exists():
        probe = probe.parent
    if probe != out.absolute() and not probe.is_dir():
        return f"{probe} is a file, not a directory"
    try:  # a real try: permission bits do not tell (root, read-only or virtual file systems)
        os.rmdir(tempfile.mkdtemp(prefix=".doubledip-probe-", dir=probe))
    except OSError as e:
        return f"no folder can be made in {probe} ({e.strerror or e}); give an --out in a folder you can write to"
    return None


def _notes_from(caught: list[warnings.WarningMessage]) -> list[str]:
    """The :class:`InputNote` s among warnings recorded while the inputs were read: said once, with the result's
    notes after ``wrote DIR`` (not with ``--quiet``), and kept in summary.json. Any other warning is shown as usual."""
    notes = []
    for w in caught:
        if issubclass(w.category, InputNote):
            notes.append(str(w.message))
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    return notes


def _fail(message: str) -> int:
    sys.stderr.write(f"error: {message}\n")
    return EXIT_BAD_INPUT
