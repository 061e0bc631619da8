"""JAX's persistent compilation cache: a second process loads what the first compiled."""

from __future__ import annotations

import os
import subprocess
import sys

from shared import compile_cache
from shared.registry import ROOT

PROGRAM = """
import sys
from shared import compile_cache
compile_cache.configure()  # before JAX is imported, as the CLI does
import jax, jax.numpy as jnp
x = jnp.ones((32, 32))
jax.jit(lambda x: jnp.tanh(x @ x.T).sum())(x).block_until_ready()
"""


def test_a_second_run_finds_the_programs_the_first_compiled(tmp_path):
    env = {
        **os.environ,
        "JAX_COMPILATION_CACHE_DIR": str(tmp_path / "cache"),
        "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0",  # cache even this tiny program
        "PYTHONPATH": str(ROOT),
        "JAX_PLATFORMS": "cpu",
        "JAX_ENABLE_COMPILATION_CACHE": "true",  # as a user's shell has it (unset or true)
    }
    subprocess.run([sys.executable, "-c", PROGRAM], env=env, check=True, timeout=300)
    assert any(path.name.endswith("-cache") for path in (tmp_path / "cache").iterdir())


def test_the_default_folder_is_the_user_cache_and_a_users_choice_is_kept(monkeypatch, tmp_path):
    for name in (  # restored after the test: configure() sets them
        "JAX_COMPILATION_CACHE_DIR",
        "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS",
        "JAX_ENABLE_COMPILATION_CACHE",
    ):
        monkeypatch.delenv(name, raising=False)
    assert compile_cache.configure() == compile_cache.default_folder()
    assert "history-of-hype" in str(compile_cache.default_folder())
    monkeypatch.setenv("JAX_COMPILATION_CACHE_DIR", str(tmp_path))
    assert compile_cache.configure() == tmp_path
    assert compile_cache.configure(enabled=False) is None
    assert os.environ["JAX_ENABLE_COMPILATION_CACHE"] == "false"
