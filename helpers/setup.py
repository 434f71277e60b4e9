"""One call at the top of every notebook: seeds, device, and the fast/full run budget."""
import os
import random
import warnings
from dataclasses import dataclass, field

import numpy as np
import torch

# Warnings that correct answers trigger (float(loss) of a loss that requires grad, torch.tensor(a_tensor)): nbgrader
# scores a graded cell that writes anything to stderr as failed, so setup() silences exactly these.
HARMLESS_WARNINGS = ("Converting a tensor with requires_grad=True to a scalar",
                     "To copy construct from a tensor, it is recommended to use sourceTensor")
MODE_ENV = "CV_SEMINAR_MODE"  # "fast" or "full": overrides the automatic choice both ways
GALLERY_ENV = "CV_SEMINAR_GALLERY"  # set by `make gallery`: fast mode with the notebook's bigger `gallery` settings
# pytest sets PYTEST_VERSION for the whole run (>= 8.2), and notebook kernels started by nbval inherit it.
TEST_SUITE_ENV = "PYTEST_VERSION"


def pick_device() -> torch.device:
    """The best available device: cuda, then Apple's mps, then cpu."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def run_mode(device: torch.device | None = None) -> tuple[str, str]:
    """Decide "fast" or "full" and say why: the env override, then CI/nbgrader/tests, then the hardware."""
    forced = os.environ.get(MODE_ENV, "").strip().lower()
    if forced:
        if forced not in ("fast", "full"):
            raise ValueError(f"{MODE_ENV} must be 'fast' or 'full', got {forced!r}")
        return forced, f"{MODE_ENV}={forced}"
    if os.environ.get("NBGRADER_EXECUTION"):
        return "fast", "running under nbgrader"
    if os.environ.get("CI"):
        return "fast", "running in CI"
    if os.environ.get(TEST_SUITE_ENV):
        return "fast", "running under the test suite"
    device = device or pick_device()
    if device.type == "cpu":
        return "fast", "no GPU found"
    if device.type == "mps":  # a laptop: README promises every notebook in about a minute there
        return "fast", f"Apple GPU: fast by default; set {MODE_ENV}=full for the GPU budget"
    return "full", f"GPU found ({device.type})"


def seed_everything(seed: int) -> None:
    """Seed python, numpy and torch (all devices) so reruns give the same numbers."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


@dataclass
class Budget:
    """What a notebook may spend: mode, device, seed and the sizes/epochs of the chosen mode."""

    mode: str
    device: torch.device
    seed: int
    reason: str
    settings: dict = field(default_factory=dict)

    @property
    def fast(self) -> bool:
        """True in the small CPU budget (CI, autograding, no GPU)."""
        return self.mode == "fast"

    def __getattr__(self, name):
        settings = self.__dict__.get("settings", {})
        if name in settings:
            return settings[name]
        raise AttributeError(f"budget has no setting {name!r}; known: {sorted(settings)}")

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}={v}" for k, v in self.settings.items())
        return f"Budget(mode={self.mode!r} [{self.reason}], device={self.device.type}, seed={self.seed}, {sizes})"


def setup(seed: int = 0, fast: dict | None = None, full: dict | None = None, gallery: dict | None = None,
          verbose: bool = True) -> Budget:
    """Seed everything, pick the device and return the budget with the settings of the chosen mode.

    `gallery` overrides some fast settings (bigger images, more steps) when `make gallery` draws the reference
    pictures of docs/gallery/ on a CPU: still fast mode and offline data, only slower.
    """
    fast, full, gallery = dict(fast or {}), dict(full or {}), dict(gallery or {})
    if set(fast) != set(full):
        raise ValueError(f"fast and full must set the same names; differ in {sorted(set(fast) ^ set(full))}")
    if not set(gallery) <= set(fast):
        raise ValueError(f"gallery may only override fast settings; unknown: {sorted(set(gallery) - set(fast))}")
    device = pick_device()
    mode, reason = run_mode(device)
    if mode == "fast" and os.environ.get(GALLERY_ENV):
        fast, reason = {**fast, **gallery}, f"{reason}; gallery quality ({GALLERY_ENV})"
    seed_everything(seed)
    for message in HARMLESS_WARNINGS:
        warnings.filterwarnings("ignore", message=message)
    budget = Budget(mode=mode, device=device, seed=seed, reason=reason, settings=fast if mode == "fast" else full)
    if verbose:
        print(budget)
    return budget
