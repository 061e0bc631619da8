"""Every ``HYPE_*`` environment variable, checked where a command starts.

A variable set to something unusable (a data cache that is a file, a mirror that does not
exist, a misspelt name) is one line naming the variable, its value and the fix, before any
computation: never a traceback an hour later, never a download that the mirror was meant to
prevent. This module reads only the environment and the file system, so nothing has started
when it speaks.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from shared.errors import HypeError

# name -> what it is, as the help lists it.
VARIABLES = {
    "HYPE_DATA_MIRROR": "folder holding the upstream data files under their folders (e.g.\n"
    "mnist/train-images-idx3-ubyte.gz); searched before any download",
    "HYPE_DATA_DIR": "the data cache (default: the user cache folder)",
    "HYPE_STATE_DIR": "where long runs keep their state: finished jobs and checkpoints\n"
    "(default: state/ in the repository, meant to be committed)",
    "HYPE_DEBUG": "1: show the traceback of an internal error",
    "HYPE_SOURCE_COMMIT": "the commit of a copy of the tree that has no git (recorded)",
    "HYPE_SOURCE_TREE_CLEAN": "1: that copy has no uncommitted changes",
    "HYPE_CHROMIUM": "the Chromium binary `nox -s site-check` drives",
    "HYPE_SITE_URL": "the site's published address (https://...): citations and the sitemap\n"
    "carry it (default: none, a page is named by its path)",
}


def help_text() -> str:
    """The variables for a command's help, one per line (continuations indented)."""
    lines = ["environment variables (checked when a command starts):"]
    for name, meaning in VARIABLES.items():
        first, *rest = meaning.split("\n")
        lines.append(f"  {name:24}{first}")
        lines += [f"  {'':24}{line}" for line in rest]
    return "\n".join(lines) + "\n"


def _writable_folder(name: str, value: str) -> None:
    """``value`` is a folder, or one can be made there (its nearest existing parent is a
    writable folder)."""
    path = Path(value).expanduser()
    unset = f"or unset {name}"
    if path.exists() and not path.is_dir():
        raise HypeError(
            f"{name}={value} is a file, not a folder",
            f"point it at a folder (it is made if missing), {unset}",
        )
    parent = next(p for p in (path, *path.parents) if p.exists())
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise HypeError(
            f"{name}={value} cannot be written ({parent} is not a writable folder)",
            f"point it at a folder you can write to, {unset}",
        )


def _mirror(value: str) -> None:
    path = Path(value).expanduser()
    if not path.is_dir():
        raise HypeError(
            f"HYPE_DATA_MIRROR={value} is not a folder",
            "point it at the folder that holds usps/, mnist/, uci/, ... (the upstream files "
            "under their folders), or unset it to download",
        )


def _choice(name: str, value: str, allowed: tuple[str, ...], meaning: str) -> None:
    if value not in allowed:
        raise HypeError(f"{name}={value!r} is not {' or '.join(allowed)}", meaning)


def check_environment(environ: Mapping[str, str] | None = None) -> None:
    """Raise :class:`HypeError` for the first ``HYPE_*`` variable that is unknown or unusable.
    An empty value counts as unset, as it does everywhere the variables are read."""
    environ = os.environ if environ is None else environ
    for name, value in sorted(environ.items()):
        if not name.startswith("HYPE_") or value == "":
            continue
        if name not in VARIABLES:
            raise HypeError(
                f"unknown environment variable {name}",
                f"unset it, or spell one of: {', '.join(VARIABLES)}",
            )
        if name == "HYPE_DATA_MIRROR":
            _mirror(value)
        elif name in ("HYPE_DATA_DIR", "HYPE_STATE_DIR"):
            _writable_folder(name, value)
        elif name == "HYPE_DEBUG":
            _choice(name, value, ("0", "1"), "set HYPE_DEBUG=1 for tracebacks, or unset it")
        elif name == "HYPE_SOURCE_TREE_CLEAN":
            _choice(name, value, ("0", "1"), "set it to 1 for a clean copy, 0 otherwise")
        elif name == "HYPE_SOURCE_COMMIT" and not re.fullmatch(r"[0-9a-f]{7,40}", value):
            raise HypeError(
                f"HYPE_SOURCE_COMMIT={value!r} is not a commit hash",
                "set it to the output of `git rev-parse HEAD` where the copy was made",
            )
        elif name == "HYPE_SITE_URL" and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", value):
            raise HypeError(
                f"HYPE_SITE_URL={value!r} is not an http(s) address",
                "set it to the site's address, e.g. https://USER.github.io/REPO/, or unset it",
            )
        elif name == "HYPE_CHROMIUM" and not (Path(value).is_file() and os.access(value, os.X_OK)):
            raise HypeError(
                f"HYPE_CHROMIUM={value} is not an executable file",
                "point it at the Chromium binary, or unset it to search PATH",
            )
