"""Szegedy et al. (2013), Sec. 4.2: Table 1 (models, errors, minimal distortion), Table 2
(cross-model transfer with Gaussian-noise rows), Tables 3-4 (disjoint training halves P1, P2).
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import numpy as np

from replications.adversarial.attacks import LbfgsResult, lbfgs_attack, rms_distortion
from replications.adversarial.config import Config
from replications.adversarial.jobs import halves
from replications.adversarial.tables import TABLE3
from replications.adversarial.train import Logits, error_rate, predict

NOISE_TABLE2 = (0.1, 0.3)  # Table 2's Gaussian rows
NOISE_TABLE4 = (0.06, 0.1)  # Table 4's Gaussian rows
MAGNIFIED = 0.1  # Table 4: the perturbations scaled up to this RMS distortion


def random_targets(y: np.ndarray, key: jax.Array) -> np.ndarray:
    """A target label for each image, uniform over the nine wrong ones."""
    shift = np.asarray(jax.random.randint(key, y.shape, 1, 10))
    return (y + shift) % 10


def attack(f: Logits, x: np.ndarray, target: np.ndarray, config: Config) -> LbfgsResult:
    """:func:`lbfgs_attack` with the profile's search steps, iterations and chunk size."""
    return lbfgs_attack(
        f,
        x,
        target,
        search_steps=config.attack_steps,
        max_iter=config.attack_iter,
        chunk=config.attack_chunk,
    )


@dataclass(frozen=True)
class NoiseReading:
    """One reading of Szegedy et al.'s "Gaussian noise with stddev sigma" (Table 2, Table 4).

    ``pixel_max``: the pixel scale sigma is stated on, 1 (pixels in [0, 1]) or 255 (grey
    levels); ``clip``: the noisy image clipped back into the pixel box; ``shared``: one noise
    pattern added to every image, instead of fresh noise for each.
    """

    pixel_max: float
    clip: bool
    shared: bool

    @property
    def label(self) -> str:
        scale = "[0, 1]" if self.pixel_max == 1 else f"[0, {self.pixel_max:g}]"
        return (
            f"sigma on {scale}, {'clipped' if self.clip else 'not clipped'}, "
            f"{'one pattern for all images' if self.shared else 'fresh per image'}"
        )


# Every reading the paper allows: it says neither the scale, nor clipping, nor how noise is drawn.
NOISE_READINGS = tuple(
    NoiseReading(pixel_max, clip, shared)
    for pixel_max in (1.0, 255.0)
    for clip in (False, True)
    for shared in (False, True)
)
# The reading that grades the claims, fixed before any run (claims.toml says why): the
# distortion column of Tables 2 and 4 gives each noise row's RMS change as its sigma, in the
# units of the adversarial rows (pixels in [0, 1]); only unclipped noise has RMS sigma.
GRADED_NOISE = NoiseReading(pixel_max=1.0, clip=False, shared=False)
CLIPPED_NOISE = NoiseReading(pixel_max=1.0, clip=True, shared=False)


def gaussian(x: np.ndarray, sigma: float, key: jax.Array, reading: NoiseReading) -> np.ndarray:
    """``x`` (pixels in [0, 1]) plus Gaussian noise of standard deviation ``sigma`` as ``reading``
    takes it: sigma / pixel_max in [0, 1] units; one pattern for all rows when ``shared``;
    clipped to [0, 1] when ``clip``."""
    shape = x.shape[1:] if reading.shared else x.shape
    noise = np.asarray(jax.random.normal(key, shape), np.float32) * (sigma / reading.pixel_max)
    noisy = x + noise  # broadcasts one shared pattern over the rows
    return (np.clip(noisy, 0.0, 1.0) if reading.clip else noisy).astype(np.float32)


def noise_readings(
    models: dict[str, Logits],
    x: np.ndarray,
    y: np.ndarray,
    sigmas: tuple[float, ...],
    key: jax.Array,
) -> list[dict]:
    """Every model's error (%) on ``x`` with Gaussian noise, for each sigma and each reading.

    One row per (sigma, reading): the errors, the mean RMS change, and the share of pixel
    values left outside [0, 1]. The same key serves every reading of one sigma, so readings
    that differ only in clipping add the very same noise.
    """
    rows = []
    for j, sigma in enumerate(sigmas):
        for reading in NOISE_READINGS:
            noisy = gaussian(x, sigma, jax.random.fold_in(key, 100 + j), reading)
            rows.append(
                {
                    "sigma": sigma,
                    "reading": reading.label,
                    "graded": reading == GRADED_NOISE,
                    "errors": transfer_row(models, noisy, y),
                    "distortion": float(rms_distortion(noisy, x).mean()),
                    "outside_box": float(100.0 * np.mean((noisy < 0.0) | (noisy > 1.0))),
                }
            )
    return rows


def magnify(x_adv: np.ndarray, x: np.ndarray, target_rms: float) -> np.ndarray:
    """Table 4's "magnified" examples: each perturbation scaled to ``target_rms``, then clipped."""
    d = rms_distortion(x_adv, x)[:, None]
    scale = np.where(d > 0, target_rms / np.maximum(d, 1e-12), 0.0)
    return np.clip(x + (x_adv - x) * scale, 0.0, 1.0).astype(np.float32)


def transfer_row(models: dict[str, Logits], x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Error (%) each model makes on the images ``x`` with true labels ``y``."""
    return {
        name: float(100.0 * np.mean(predict(f, x).argmax(1) != y)) for name, f in models.items()
    }


def cross_table(
    models: dict[str, Logits],
    x: np.ndarray,
    y: np.ndarray,
    config: Config,
    key: jax.Array,
    noise: tuple[float, ...],
    magnified: float | None = None,
) -> tuple[dict, dict]:
    """Attack every model on ``(x, y)`` (random targets) and evaluate every model on every set.

    Returns ``(summary, adversarial)``: ``summary`` has one row per source (model, then
    "magnified" rows, then Gaussian rows) with the error on each column model and the mean
    RMS distortion; ``adversarial`` maps each model to its :class:`LbfgsResult`.
    """
    target = random_targets(y, jax.random.fold_in(key, 0))
    rows, adversarial = {}, {}
    for i, (name, f) in enumerate(models.items()):
        result = attack(f, x, target, config)
        adversarial[name] = result
        rows[name] = {
            "errors": transfer_row(models, result.x_adv, y),
            "distortion": float(result.distortion[result.success].mean())
            if result.success.any()
            else None,
            "success": float(100.0 * result.success.mean()),
        }
        if magnified is not None:
            big = magnify(result.x_adv, x, magnified)
            rows[f"{name}, magnified"] = {
                "errors": transfer_row(models, big, y),
                "distortion": float(rms_distortion(big, x).mean()),
            }
        del i
    for j, sigma in enumerate(noise):  # the graded reading; noise_readings() has them all
        noisy = gaussian(x, sigma, jax.random.fold_in(key, 100 + j), GRADED_NOISE)
        rows[f"Gaussian noise, sigma {sigma:g}"] = {
            "errors": transfer_row(models, noisy, y),
            "distortion": float(rms_distortion(noisy, x).mean()),
        }
    return rows, adversarial


def table1(models: dict[str, Logits], data: dict[str, np.ndarray], cross: dict) -> dict[str, dict]:
    """Szegedy et al. Table 1: test error, train error, average minimal distortion per model."""
    return {
        name: {
            "test_error": error_rate(f, data["x_test"], data["y_test"]),
            "train_error": error_rate(f, data["x_train"], data["y_train"]),
            "distortion": cross[name]["distortion"],
            "success": cross[name]["success"],
        }
        for name, f in models.items()
    }


def table3(
    models: dict[str, Logits], data: dict[str, np.ndarray], key: jax.Array
) -> dict[str, dict]:
    """Clean train (on the model's own half) and test error of the Table 3 models; ``key``
    splits the halves (``jobs.halves``)."""
    p1, p2 = halves(len(data["x_train"]), key)
    own = {TABLE3[0]: p1, TABLE3[1]: p1, TABLE3[2]: p2}
    return {
        name: {
            "train_error": error_rate(f, data["x_train"][own[name]], data["y_train"][own[name]]),
            "test_error": error_rate(f, data["x_test"], data["y_test"]),
        }
        for name, f in models.items()
    }
