"""Training machinery shared by the neural-network replications: the paper-style SGD, whole jitted
train and eval steps, data parallelism over the local devices, and checkpoints that let a long
run resume.

- ``paper_sgd``: SGD with momentum and weight decay in Krizhevsky et al.'s form (2012, §5),
  built from optax transformations, with the learning rate settable between steps.
- ``Stepper``: the jitted train step (forward, backward, update in one XLA program) and eval
  step of an ``nnx`` model kept as (graphdef, params); batches are sharded along a ``data``
  mesh axis over every local device, parameters replicated (``jax.sharding``: Mesh + NamedSharding).
  ``Stepper.put`` holds a data set on the devices once; ``Stepper.train_steps`` then runs a
  whole stretch of steps (an epoch) over it (the shuffled indices go in, the per-step losses
  and errors come out) and ``Stepper.error_rate`` of a held set is one program, so a long run
  pays no per-batch copy or host sync. On a GPU the stretch is one XLA program (``lax.scan``),
  which also saves the per-step dispatch; on a CPU each step is its own program gathering its
  batch from the held set, because XLA:CPU ran the four-layer CIFAR net's step about 20x slower
  inside the scan's loop than alone (8 against 180 images/s, batch 64, 2-core AMD EPYC).
- ``save_checkpoint`` / ``load_checkpoint``: pytrees to ``.npz`` (no pickle), atomically.

XLA's flags (deterministic GPU ops, YNNPACK convolutions on CPUs) are set once where the program
starts, by ``shared.xla.configure``; this module sets nothing on import.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx
from jax.sharding import Mesh, NamedSharding
from jax.sharding import PartitionSpec as P

from shared.atomic import atomic_write_bytes
from shared.errors import HypeError


def kernels_only(params: Any) -> Any:
    """Weight-decay mask: True for weight matrices and conv kernels, False for biases."""
    return jax.tree.map(lambda p: p.ndim > 1, params)


@optax.inject_hyperparams
def paper_sgd(
    learning_rate: float, momentum: float = 0.9, weight_decay: float = 5e-4
) -> optax.GradientTransformation:
    """v <- momentum * v - weight_decay * learning_rate * w - learning_rate * <dL/dw>;  w <- w + v.

    References: Krizhevsky, Sutskever & Hinton 2012, §5 (momentum 0.9, weight decay 0.0005).
    The learning rate sits inside the velocity, as in the paper, so dividing it by 10 leaves
    the velocity already accumulated untouched. Decay applies to weights, not biases (as in
    cuda-convnet, the paper's code). Set ``state.hyperparams["learning_rate"]`` to change it.
    """
    return optax.chain(
        optax.add_decayed_weights(weight_decay, mask=kernels_only),
        optax.scale(-learning_rate),
        optax.trace(decay=momentum),
    )


def set_learning_rate(opt_state: Any, learning_rate: float) -> Any:
    """Return ``opt_state`` of an ``inject_hyperparams`` optimiser with a new learning rate."""
    hyper = dict(opt_state.hyperparams)
    hyper["learning_rate"] = jnp.asarray(
        learning_rate, dtype=jnp.asarray(hyper["learning_rate"]).dtype
    )
    return opt_state._replace(hyperparams=hyper)


def data_mesh(devices: list | None = None) -> Mesh:
    """A one-axis mesh named ``data`` over the given (default: all local) devices."""
    return Mesh(np.array(devices if devices is not None else jax.local_devices()), ("data",))


Loss = Callable[[jax.Array, jax.Array], jax.Array]


def cross_entropy(logits: jax.Array, labels: jax.Array) -> jax.Array:
    """Mean multinomial logistic loss (the softmax objective of §4 / Fig. 2)."""
    return optax.softmax_cross_entropy_with_integer_labels(logits, labels).mean()


@dataclass(frozen=True)
class DeviceSet:
    """A data set held on the devices (replicated), padded to whole evaluation batches.

    ``x``/``y`` have ``n`` real rows then padding; ``valid`` marks the real ones. Training
    draws its batches inside the compiled program by index (all indices < ``n``).
    """

    x: jax.Array
    y: jax.Array
    valid: jax.Array
    n: int
    eval_batch_size: int


@dataclass(frozen=True)
class Programs:
    """The compiled programs of one model structure, optimiser, preprocess and loss."""

    train: Callable  # one step on a batch given from the host
    evaluate: Callable  # wrong answers in one batch
    train_steps: Callable  # a stretch of steps over a DeviceSet (lax.scan)
    held_step: Callable  # step i of a stretch over a DeviceSet, alone (the CPU's way)
    evaluate_set: Callable  # wrong answers over a whole DeviceSet (lax.map over its batches)


_COMPILED: dict[Any, Programs] = {}


def _compile(
    graphdef: Any,
    optimizer: optax.GradientTransformation,
    preprocess: Callable,
    loss: Loss,
    replicated: NamedSharding,
    batched: NamedSharding,
) -> Programs:
    def train_step(
        params: Any, opt_state: Any, aux: Any, x: jax.Array, y: jax.Array, key: jax.Array
    ):
        def objective(params: Any) -> tuple[jax.Array, jax.Array]:
            logits = nnx.merge(graphdef, params)(preprocess(x, aux), key=key)
            return loss(logits, y), logits

        (value, logits), grads = jax.value_and_grad(objective, has_aux=True)(params)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        errors = jnp.sum(jnp.argmax(logits, -1) != y)
        return optax.apply_updates(params, updates), opt_state, value, errors

    def eval_step(params: Any, aux: Any, x: jax.Array, y: jax.Array, valid: jax.Array):
        logits = nnx.merge(graphdef, params)(preprocess(x, aux))
        return jnp.sum((jnp.argmax(logits, -1) != y) & valid)

    def held_step(
        params: Any,
        opt_state: Any,
        aux: Any,
        x_all: jax.Array,
        y_all: jax.Array,
        order: jax.Array,
        dropout_key: jax.Array,
        first_step: jax.Array,
        step: jax.Array,
    ):
        """Step ``step`` of a stretch: the batch ``order[step]`` (indices into the held set) and
        the dropout key fold_in(dropout_key, first_step + step), as if dispatched alone."""
        rows = order[step]
        x = jax.lax.with_sharding_constraint(x_all[rows], batched)
        y = jax.lax.with_sharding_constraint(y_all[rows], batched)
        key = jax.random.fold_in(dropout_key, first_step + step)
        return train_step(params, opt_state, aux, x, y, key)

    def train_steps(
        params: Any,
        opt_state: Any,
        aux: Any,
        x_all: jax.Array,
        y_all: jax.Array,
        order: jax.Array,
        dropout_key: jax.Array,
        first_step: jax.Array,
    ):
        """Every step of ``order`` (steps, batch), each as :func:`held_step`, in one scan."""
        held = (aux, x_all, y_all, order, dropout_key, first_step)

        def body(carry: tuple[Any, Any], step: jax.Array):
            params, opt_state, value, errors = held_step(*carry, *held, step)
            return (params, opt_state), (value, errors)

        steps = jnp.arange(order.shape[0], dtype=jnp.int32)
        (params, opt_state), (values, errors) = jax.lax.scan(body, (params, opt_state), steps)
        return params, opt_state, values, errors

    def evaluate_set(
        params: Any,
        aux: Any,
        x_all: jax.Array,
        y_all: jax.Array,
        valid: jax.Array,
        eval_batch_size: int,
    ) -> jax.Array:
        def one(batch: tuple[jax.Array, jax.Array, jax.Array]) -> jax.Array:
            x, y, v = (jax.lax.with_sharding_constraint(a, batched) for a in batch)
            return eval_step(params, aux, x, y, v)

        split = [a.reshape(-1, eval_batch_size, *a.shape[1:]) for a in (x_all, y_all, valid)]
        return jnp.sum(jax.lax.map(one, tuple(split)))

    rep, bat = replicated, batched
    return Programs(
        train=jax.jit(
            train_step,
            donate_argnums=(0, 1),
            in_shardings=(rep, rep, rep, bat, bat, rep),
            out_shardings=(rep, rep, rep, rep),
        ),
        evaluate=jax.jit(eval_step, in_shardings=(rep, rep, bat, bat, bat), out_shardings=rep),
        train_steps=jax.jit(train_steps, donate_argnums=(0, 1), out_shardings=(rep, rep, rep, rep)),
        held_step=jax.jit(held_step, donate_argnums=(0, 1), out_shardings=(rep, rep, rep, rep)),
        evaluate_set=jax.jit(evaluate_set, static_argnames="eval_batch_size", out_shardings=rep),
    )


class Stepper:
    """Jitted train and eval steps for one model, sharded over a ``data`` mesh.

    ``preprocess(x, aux)`` maps a raw batch (e.g. uint8 images) to the model's input inside the
    same XLA program (``aux``: arrays it needs, e.g. a pixel mean). The model is called as
    ``model(x, key=key)`` in training and ``model(x)`` at test time (dropout's switch).
    ``cache_key`` (hashable, naming the optimiser, preprocess and loss) lets models with the same
    structure share one compiled step: learning rate and weight decay live in the optimiser
    state, so runs that differ only in them compile once.
    """

    def __init__(
        self,
        model: nnx.Module,
        optimizer: optax.GradientTransformation,
        *,
        preprocess: Callable[[jax.Array, Any], jax.Array],
        aux: Any = None,
        mesh: Mesh | None = None,
        loss: Loss = cross_entropy,
        cache_key: Any = None,
        scan: bool | None = None,
    ) -> None:
        self.mesh = mesh or data_mesh()
        # None: scan the steps of a stretch on accelerators, dispatch them one by one on CPUs
        # (see the module's docstring); both give the same updates.
        self.scan = scan if scan is not None else self.mesh.devices.flat[0].platform != "cpu"
        self.replicated = NamedSharding(self.mesh, P())
        self.batched = NamedSharding(self.mesh, P("data"))
        self.graphdef, params = nnx.split(model, nnx.Param)
        key = None if cache_key is None else (cache_key, self.graphdef, self.mesh)
        if key is not None and key in _COMPILED:
            self.programs = _COMPILED[key]
        else:
            self.programs = _compile(
                self.graphdef, optimizer, preprocess, loss, self.replicated, self.batched
            )
            if key is not None:
                _COMPILED[key] = self.programs
        self.aux = jax.device_put(aux, self.replicated)
        self.params = jax.device_put(params, self.replicated)
        self.opt_state = jax.device_put(optimizer.init(params), self.replicated)

    @property
    def n_devices(self) -> int:
        return self.mesh.devices.size

    def check_batch(self, batch_size: int) -> None:
        if batch_size % self.n_devices:
            raise HypeError(
                f"batch size {batch_size} does not split over {self.n_devices} devices",
                "use a batch size divisible by the device count",
            )

    def train(self, x: np.ndarray, y: np.ndarray, key: jax.Array) -> tuple[jax.Array, jax.Array]:
        """One SGD step on a batch; returns (mean loss, number of misclassified), as device
        scalars."""
        x, y = jax.device_put((x, y), self.batched)
        self.params, self.opt_state, loss, errors = self.programs.train(
            self.params, self.opt_state, self.aux, x, y, key
        )
        return loss, errors

    def put(self, x: np.ndarray, y: np.ndarray, eval_batch_size: int = 1000) -> DeviceSet:
        """Hold ``(x, y)`` on every device once (uint8 images stay uint8), padded to whole
        evaluation batches of at most ``eval_batch_size`` (a multiple of the device count)."""
        n, devices = len(x), self.n_devices
        eval_batch_size = max(
            devices, min(eval_batch_size, -(-n // devices) * devices) // devices * devices
        )
        pad = -n % eval_batch_size
        valid = np.arange(n + pad) < n
        if pad:
            x = np.concatenate([x, np.zeros((pad, *x.shape[1:]), x.dtype)])
            y = np.concatenate([y, np.zeros(pad, y.dtype)])
        x, y, valid = jax.device_put((x, y, valid), self.replicated)
        return DeviceSet(x, y, valid, n, eval_batch_size)

    def train_steps(
        self, data: DeviceSet, order: np.ndarray, dropout_key: jax.Array, first_step: int = 0
    ) -> tuple[jax.Array, jax.Array]:
        """SGD steps over the batches ``order[i]`` (rows of indices into ``data``): one XLA
        program, or one per step on a CPU (``scan``); returns the per-step mean losses and
        numbers of misclassified (device arrays)."""
        order = jax.device_put(np.asarray(order, np.int32), self.replicated)
        common = (self.aux, data.x, data.y, order, dropout_key, jnp.int32(first_step))
        if self.scan:
            self.params, self.opt_state, losses, errors = self.programs.train_steps(
                self.params, self.opt_state, *common
            )
            return losses, errors
        losses, errors = [], []
        for step in range(order.shape[0]):  # dispatched asynchronously: no host sync per step
            self.params, self.opt_state, loss, wrong = self.programs.held_step(
                self.params, self.opt_state, *common, jnp.int32(step)
            )
            losses.append(loss)
            errors.append(wrong)
        return jnp.stack(losses), jnp.stack(errors)

    def error_rate(
        self, x: np.ndarray | DeviceSet, y: np.ndarray | None = None, batch_size: int = 1000
    ) -> float:
        """Test-mode error rate over a whole set: a held :class:`DeviceSet` (one program), or
        host arrays (held for the call)."""
        data = x if isinstance(x, DeviceSet) else self.put(x, y, batch_size)
        wrong = self.programs.evaluate_set(
            self.params, self.aux, data.x, data.y, data.valid, eval_batch_size=data.eval_batch_size
        )
        return float(wrong) / data.n

    def learning_rate(self) -> float:
        return float(self.opt_state.hyperparams["learning_rate"])

    def set_learning_rate(self, value: float) -> None:
        self.opt_state = jax.device_put(set_learning_rate(self.opt_state, value), self.replicated)

    def state(self) -> dict[str, Any]:
        return {"params": self.params, "opt_state": self.opt_state}

    def restore(self, state: dict[str, Any]) -> None:
        self.params = jax.device_put(state["params"], self.replicated)
        self.opt_state = jax.device_put(state["opt_state"], self.replicated)


def save_checkpoint(path: Path, tree: Any, meta: dict[str, Any]) -> None:
    """Write the leaves of ``tree`` and a JSON ``meta`` to one ``.npz``, atomically (no pickle)."""
    leaves = jax.tree.leaves(tree)
    arrays = {f"leaf_{i}": np.asarray(leaf) for i, leaf in enumerate(leaves)}
    arrays["meta"] = np.frombuffer(json.dumps(meta, sort_keys=True).encode(), np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    atomic_write_bytes(path, buffer.getvalue())


def load_checkpoint(path: Path, like: Any) -> tuple[Any, dict[str, Any]] | None:
    """Read a checkpoint into the structure of ``like``; None if there is none. A checkpoint
    that does not fit ``like`` (another model) is refused with a one-line error."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode())
            leaves = [data[f"leaf_{i}"] for i in range(len(data.files) - 1)]
    except (OSError, ValueError, KeyError) as error:
        raise HypeError(
            f"checkpoint {path} is unreadable ({error})", f"delete {path} to start that run afresh"
        ) from None
    like_leaves, treedef = jax.tree.flatten(like)
    if len(leaves) != len(like_leaves) or any(
        a.shape != np.shape(b) for a, b in zip(leaves, like_leaves, strict=True)
    ):
        raise HypeError(
            f"checkpoint {path} does not match the model", f"delete {path} to start that run afresh"
        )
    leaves = [
        np.asarray(a, dtype=np.asarray(b).dtype) for a, b in zip(leaves, like_leaves, strict=True)
    ]
    return jax.tree.unflatten(treedef, leaves), meta
