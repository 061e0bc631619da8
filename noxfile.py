"""Sessions of History of Hype. ``nox -l`` lists them; options for replications go after ``--``.

    nox -s tests                          # the test suite (minutes, CPU, no network)
    nox -s replicate-perceptron           # one replication at the paper's scale
    nox -s replicate-xor -- --profile smoke --seed 1
    nox -s site                           # render results into pages, build the site strictly
    nox -s site-check                     # the same build, every page loaded in headless Chromium
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import nox

sys.path.insert(0, str(Path(__file__).parent))
from shared.registry import all_replications  # noqa: E402  (reads TOML only: no JAX needed here)

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["lint", "tests"]
PASSED_ENV = ("HYPE_DATA_MIRROR", "HYPE_DATA_DIR", "XLA_FLAGS", "HYPE_DEBUG")
SITE_ENV = {"NO_MKDOCS_2_WARNING": "1"}  # Material's banner about MkDocs 2; the site avoids plugins


def install(session: nox.Session, *extras: str) -> None:
    """Install the project with the locked versions (uv.lock) when uv runs the session."""
    if shutil.which("uv") and session.venv_backend == "uv":
        session.run_install(
            "uv", "sync", "--locked", "--no-dev", *(f"--extra={e}" for e in extras),
            env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location},
        )
    else:
        session.install("-e", f".[{','.join(extras)}]" if extras else ".")


def replication_options(session: nox.Session) -> list[str]:
    """Parse the options after ``--`` (so a typo fails here, with a clear message)."""
    parser = argparse.ArgumentParser(prog=f"nox -s {session.name} --", add_help=True)
    parser.add_argument("--profile", default="paper", help="paper (default) or smoke")
    parser.add_argument("--seed", type=int, default=0, help="base seed (default 0)")
    parser.add_argument("--seeds", type=int, default=None, help="number of seeds (default: the profile's)")
    try:
        args = parser.parse_args(session.posargs)
    except SystemExit:
        session.error("bad options after `--`; see the usage line above")
    options = ["--profile", args.profile, "--seed", str(args.seed)]
    if args.seeds is not None:
        options += ["--seeds", str(args.seeds)]
    return options


def _make_replicate_session(name: str, doc: str) -> None:
    def replicate(session: nox.Session) -> None:
        install(session)
        session.run("python", "-m", "shared.cli", "replicate", name, *replication_options(session),
                    env={k: v for k in PASSED_ENV if (v := session.env.get(k))})

    replicate.__doc__ = doc
    nox.session(name="replicate-" + name.replace("_", "-"), default=False, tags=["replicate"])(replicate)


for _r in all_replications():
    _make_replicate_session(
        _r.name,
        f"{_r.title} ({_r.paper}): paper profile ~{_r.cpu_minutes:g} min on a 2-core laptop CPU, "
        f"~{_r.gpu_minutes:g} min on one GPU. Options: -- --profile paper|smoke --seed S --seeds N",
    )


@nox.session(name="replicate-all", default=False, tags=["replicate"])
def replicate_all(session: nox.Session) -> None:
    """Every replication in turn, oldest first (sum of the per-session times: hours on a CPU)."""
    install(session)
    options = replication_options(session)
    for r in all_replications():
        session.run("python", "-m", "shared.cli", "replicate", r.name, *options)


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite: parsers, verdicts, atomic writes, every smoke profile, the site build (minutes, CPU)."""
    install(session, "dev", "site")
    session.run("pytest", *session.posargs, env=SITE_ENV)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff over the code (seconds)."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", "shared", "replications", "tests", "noxfile.py")


@nox.session(default=False)
def site(session: nox.Session) -> None:
    """Render generated pages from site/results/*.json, then `mkdocs build --strict` (seconds)."""
    install(session, "site")
    session.run("python", "-m", "shared.cli", "report")
    session.run("mkdocs", "build", "--strict", "-f", "site/mkdocs.yml", env=SITE_ENV)


@nox.session(name="site-check", default=False)
def site_check(session: nox.Session) -> None:
    """Build the site as `site` does, serve it on 127.0.0.1 and load every page in headless
    Chromium (the system's: `apt-get install chromium`): fails on broken links or anchors,
    missing images, console errors, failed local requests; screenshots in runs/site-check/ (a minute)."""
    from shared.site_check import MISSING_CHROMIUM, find_chromium

    if find_chromium() is None:
        session.error(MISSING_CHROMIUM)
    install(session, "site", "check")
    session.run("python", "-m", "shared.cli", "report")
    session.run("mkdocs", "build", "--strict", "-f", "site/mkdocs.yml", env=SITE_ENV)
    session.run("python", "-m", "shared.site_check", "site/build", "--out", "runs/site-check")


@nox.session(default=False)
def serve(session: nox.Session) -> None:
    """Render the site and serve it on http://127.0.0.1:8000 with live reload."""
    install(session, "site")
    session.run("python", "-m", "shared.cli", "report")
    session.run("mkdocs", "serve", "-f", "site/mkdocs.yml", *session.posargs, env=SITE_ENV)


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Speed against the peers (PyTorch, scikit-learn) in one run, as ratios (minutes, CPU or GPU)."""
    install(session)
    # PyTorch is the peer, not a dependency: installed here only (CPU build where one is at hand).
    session.install("torch>=2.9")
    session.run("python", "-m", "shared.bench", *session.posargs,
                env={k: v for k in PASSED_ENV if (v := session.env.get(k))})
