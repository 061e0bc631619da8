"""Sessions of History of Hype. ``nox -l`` lists them; options for replications go after ``--``.

nox -s tests                          # the test suite (minutes, CPU, no network)
nox -s replicate-perceptron           # one replication at the paper's scale
nox -s replicate-xor -- --profile smoke --seed 1
nox -s site                           # render results into pages, build the site strictly
nox -s site-check                     # the same build, every page loaded in headless Chromium
nox -s verify -- xor site/results/xor.json runs/xor/<run>/xor.json --kind second-seed
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import nox

sys.path.insert(0, str(Path(__file__).parent))
# These read TOML, JSON and argparse only: nothing needs to be installed for `nox -l` or `--help`.
from shared.errors import HypeError  # noqa: E402
from shared.registry import Replication, all_replications  # noqa: E402
from shared.run_options import check_run_options, nox_parser, without_job_options  # noqa: E402
from shared.runtimes import profile_times, runs_as_jobs  # noqa: E402

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["lint", "tests"]
PASSED_ENV = ("HYPE_DATA_MIRROR", "HYPE_DATA_DIR", "HYPE_STATE_DIR", "XLA_FLAGS", "HYPE_DEBUG")
SITE_ENV = {"NO_MKDOCS_2_WARNING": "1"}  # Material's banner about MkDocs 2; the site avoids plugins


def install(session: nox.Session, *extras: str) -> None:
    """Install the project with the locked versions (uv.lock) when uv runs the session."""
    if shutil.which("uv") and session.venv_backend == "uv":
        session.run_install(
            "uv",
            "sync",
            "--locked",
            "--no-dev",
            *(f"--extra={e}" for e in extras),
            env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location},
        )
    else:
        session.warn(
            "uv not found: pip installs unlocked versions (`python -m pip install uv` for the "
            "locked ones); a long run's jobs are keyed by their JAX, flax and optax versions, so "
            "a committed run's state may be recomputed"
        )
        session.install("-e", f".[{','.join(extras)}]" if extras else ".")


def replication_options(
    session: nox.Session, replications: list[Replication], *, out: bool = True
) -> list[str]:
    """Check the options after ``--`` against the CLI's own definitions and checks
    (``shared.run_options``: nox accepts exactly what the CLI accepts), so a typo or a bad
    value fails here in one line, before anything is installed; ``--help`` shows that help in
    nox's form and ends the session. Of a run of several ``replications``, ``--stop-after``
    and ``--workers`` are checked only for those run as jobs (the others never get them).
    Returns the extras to install (``cuda`` for ``--device gpu``)."""
    parser = nox_parser(session.name, out=out)
    if {"-h", "--help"} & set(session.posargs):
        print(parser.format_help())
        session.skip("help shown")
    see = f"(see `nox -s {session.name} -- --help`)"
    try:
        args, unknown = parser.parse_known_args(session.posargs)
    except argparse.ArgumentError as error:
        session.error(f"{error} {see}")
    if unknown:
        session.error(f"unknown option(s) after `--`: {' '.join(unknown)} {see}")
    for replication in replications:
        applies = len(replications) == 1 or runs_as_jobs(replication)
        try:
            check_run_options(
                replication,
                profile=args.profile,
                seed=args.seed,
                seeds=args.seeds,
                workers=args.workers if applies else None,
                stop_after=args.stop_after if applies else None,
            )
        except HypeError as error:
            session.error(f"{error} {see}")
    if args.device == "gpu" and shutil.which("nvidia-smi") is None:
        session.error(
            "--device gpu, but no NVIDIA GPU here (nvidia-smi is not on PATH): drop --device gpu"
        )
    return ["cuda"] if args.device == "gpu" else []


def _make_replicate_session(replication: Replication, doc: str) -> None:
    def replicate(session: nox.Session) -> None:
        extras = replication_options(session, [replication])
        install(session, *extras)
        session.run(
            "python",
            "-m",
            "shared.cli",
            "replicate",
            replication.name,
            *session.posargs,
            env={k: v for k in PASSED_ENV if (v := session.env.get(k))},
        )

    replicate.__doc__ = doc
    nox.session(name=replication.session, default=False, tags=["replicate"])(replicate)


for _r in all_replications():
    _times = "; ".join(f"{p}: {t}" for p, t in profile_times(_r).items())
    _make_replicate_session(_r, f"{_r.title} ({_r.paper}); {_times}; options: -- --help")


@nox.session(name="replicate-all", default=False, tags=["replicate"])
def replicate_all(session: nox.Session) -> None:
    """Every replication in turn, oldest first (days on a CPU: AlexNet); the options of replicate-NAME but --out (--stop-after and --workers go to each run made of jobs)."""  # noqa: E501
    replications = all_replications()
    extras = replication_options(session, replications, out=False)
    install(session, *extras)
    for r in replications:
        session.run(
            "python",
            "-m",
            "shared.cli",
            "replicate",
            r.name,
            *(session.posargs if runs_as_jobs(r) else without_job_options(session.posargs)),
            env={k: v for k in PASSED_ENV if (v := session.env.get(k))},
        )


@nox.session(default=False)
def compare(session: nox.Session) -> None:
    """Two results files claim by claim: values, verdicts, difference, within tolerance (exit 1 if a verdict changes; files of another profile or seed count need --force)."""  # noqa: E501
    files = [arg for arg in session.posargs if not arg.startswith("-")]
    if len(files) != 2 or set(session.posargs) - {*files, "--force"}:
        session.error("usage: nox -s compare -- A.json B.json [--force]")
    install(session)
    session.run("python", "-m", "shared.cli", "compare", *session.posargs)


@nox.session(default=False)
def verify(session: nox.Session) -> None:
    """Record a second look in site/results/verification/NAME.json: -- NAME A.json B.json --kind second-seed|second-device|regenerated, or -- NAME --reference "tests/FILE.py::TEST: what it checks" (seconds, plus the test it runs)."""  # noqa: E501
    if not session.posargs:
        session.error(
            "usage: nox -s verify -- NAME A.json B.json --kind KIND "
            "(or -- NAME --reference 'NODE: WHAT')"
        )
    install(session, "dev")  # pytest: a --reference is recorded only from a passing run of its test
    session.run(
        "python",
        "-m",
        "website.verification",
        *session.posargs,
        env={k: v for k in PASSED_ENV if (v := session.env.get(k))},
    )


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite: parsers, verdicts, atomic writes, every smoke profile, the site build (minutes, CPU)."""  # noqa: E501
    install(session, "dev", "site")
    # One worker per core, a test file per worker (its module fixtures, the smoke runs, are made
    # once).
    session.run("pytest", "-n", "auto", "--dist", "loadfile", *session.posargs, env=SITE_ENV)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff's checks and its formatting over the code (seconds)."""
    session.install("ruff==0.17.6")  # the locked version: formatting changes between releases
    session.run("ruff", "check", "shared", "website", "replications", "tests", "noxfile.py")
    session.run(
        "ruff", "format", "--check", "shared", "website", "replications", "tests", "noxfile.py"
    )


@nox.session(default=False)
def site(session: nox.Session) -> None:
    """Grade and draw from site/results/*.json into the pages, then `mkdocs build --strict` (a minute; -- --verbose lists the files written)."""  # noqa: E501
    if set(session.posargs) - {"--verbose"}:
        session.error("usage: nox -s site [-- --verbose]")
    install(session, "site")
    session.run("python", "-m", "shared.cli", "report", *session.posargs)
    session.run("mkdocs", "build", "--strict", "-f", "site/mkdocs.yml", env=SITE_ENV)


@nox.session(name="site-check", default=False)
def site_check(session: nox.Session) -> None:
    """Build the site as `site` does, then load every page in headless Chromium (minutes).

    Served on 127.0.0.1, loaded at 390 px, 1280 px and as printed, in the system's Chromium
    (`apt-get install chromium`, or HYPE_CHROMIUM). Fails on broken links or anchors, missing
    images, console errors, failed local requests, a page wider than its window, a split claim
    id, a table cut off in print; screenshots in runs/site-check/. Options after `--` go to
    `python -m website.site_check` (--width, --no-print)."""
    from website.site_check import MISSING_CHROMIUM, find_chromium

    if find_chromium() is None:
        session.error(MISSING_CHROMIUM)
    install(session, "site", "check")
    session.run("python", "-m", "shared.cli", "report")
    session.run("mkdocs", "build", "--strict", "-f", "site/mkdocs.yml", env=SITE_ENV)
    session.run(
        "python",
        "-m",
        "website.site_check",
        "site/build",
        "--out",
        "runs/site-check",
        *session.posargs,
    )


@nox.session(default=False)
def serve(session: nox.Session) -> None:
    """Render the site and serve it on http://127.0.0.1:8000 with live reload."""
    install(session, "site")
    session.run("python", "-m", "shared.cli", "report")
    session.run("mkdocs", "serve", "-f", "site/mkdocs.yml", *session.posargs, env=SITE_ENV)


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Speed against the peers (PyTorch, scikit-learn) in one run, as ratios (minutes; the CPU, or -- --device gpu: the CUDA build of JAX)."""  # noqa: E501
    gpu = {"gpu", "--device=gpu"} & set(session.posargs)
    if gpu and shutil.which("nvidia-smi") is None:
        session.error("--device gpu, but no NVIDIA GPU here (nvidia-smi is not on PATH)")
    install(session, *(["cuda"] if gpu else []))
    # PyTorch is the peer, not a dependency: installed here only (CPU build where one is at hand).
    session.install("torch>=2.9")
    session.run(
        "python",
        "-m",
        "shared.bench",
        *session.posargs,
        env={k: v for k in PASSED_ENV if (v := session.env.get(k))},
    )
