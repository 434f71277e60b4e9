"""The budget decision: env override, CI/nbgrader, hardware; seeding; settings of the chosen mode."""
import pytest
import torch

from helpers import setup
from helpers.setup import MODE_ENV, TEST_SUITE_ENV, run_mode


@pytest.fixture
def clean_env(monkeypatch):
    """No override and no CI, nbgrader or pytest marker: the hardware decides."""
    for name in (MODE_ENV, "CI", "NBGRADER_EXECUTION", TEST_SUITE_ENV):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_no_gpu_means_fast(clean_env):
    assert run_mode(torch.device("cpu"))[0] == "fast"


def test_gpu_means_full(clean_env):
    assert run_mode(torch.device("cuda"))[0] == "full"


def test_apple_gpu_means_fast_unless_asked(clean_env):
    mode, reason = run_mode(torch.device("mps"))
    assert mode == "fast" and f"{MODE_ENV}=full" in reason
    clean_env.setenv(MODE_ENV, "full")
    assert run_mode(torch.device("mps"))[0] == "full"


def test_the_test_suite_runs_fast_on_a_cuda_machine(monkeypatch):
    """What `make test` sees on a TA's GPU box: CUDA available, no override, not in CI."""
    for name in (MODE_ENV, "CI", "NBGRADER_EXECUTION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert setup(fast=dict(size=1), full=dict(size=2), verbose=False).device.type == "cuda"
    assert run_mode() == ("fast", "running under the test suite")
    monkeypatch.delenv(TEST_SUITE_ENV)  # the same machine outside pytest
    assert run_mode()[0] == "full"


@pytest.mark.parametrize("variable", ["CI", "NBGRADER_EXECUTION"])
def test_ci_and_nbgrader_mean_fast_even_on_gpu(clean_env, variable):
    clean_env.setenv(variable, "1")
    assert run_mode(torch.device("cuda"))[0] == "fast"


@pytest.mark.parametrize("forced", ["fast", "full"])
def test_env_overrides_both_ways(clean_env, forced):
    clean_env.setenv("CI", "1")
    clean_env.setenv(MODE_ENV, forced)
    assert run_mode(torch.device("cpu"))[0] == forced
    assert run_mode(torch.device("cuda"))[0] == forced


def test_bad_override_is_a_clear_error(clean_env):
    clean_env.setenv(MODE_ENV, "turbo")
    with pytest.raises(ValueError, match=MODE_ENV):
        run_mode()


def test_budget_reads_settings_of_its_mode(clean_env):
    clean_env.setenv(MODE_ENV, "full")
    budget = setup(fast=dict(image_size=64), full=dict(image_size=256), verbose=False)
    assert (budget.mode, budget.fast, budget.image_size) == ("full", False, 256)
    clean_env.setenv(MODE_ENV, "fast")
    assert setup(fast=dict(image_size=64), full=dict(image_size=256), verbose=False).image_size == 64


def test_budget_names_unknown_settings(clean_env):
    budget = setup(fast=dict(epochs=1), full=dict(epochs=9), verbose=False)
    with pytest.raises(AttributeError, match="epochs"):
        budget.image_size


def test_fast_and_full_must_set_the_same_names(clean_env):
    with pytest.raises(ValueError, match="steps"):
        setup(fast=dict(epochs=1, steps=3), full=dict(epochs=9), verbose=False)


def test_seed_makes_runs_repeat(clean_env):
    setup(seed=7, verbose=False)
    first = torch.rand(5)
    setup(seed=7, verbose=False)
    assert torch.equal(first, torch.rand(5))
    setup(seed=8, verbose=False)
    assert not torch.equal(first, torch.rand(5))


def test_setup_silences_the_warnings_correct_answers_trigger(clean_env, recwarn):
    import warnings
    with warnings.catch_warnings():
        setup(verbose=False)
        loss = (torch.ones(2, requires_grad=True) * 2).sum()
        float(loss)
        torch.tensor(torch.ones(2))
    assert not [w for w in recwarn if "tensor" in str(w.message)], [str(w.message) for w in recwarn]


def test_gallery_settings_override_fast_ones_only_for_make_gallery(monkeypatch):
    monkeypatch.delenv("CV_SEMINAR_GALLERY", raising=False)
    monkeypatch.setenv("CV_SEMINAR_MODE", "fast")
    sizes = dict(fast=dict(image_size=64, steps=10), full=dict(image_size=512, steps=300), gallery=dict(image_size=256))
    assert setup(verbose=False, **sizes).settings == dict(image_size=64, steps=10)
    monkeypatch.setenv("CV_SEMINAR_GALLERY", "1")
    budget = setup(verbose=False, **sizes)
    assert budget.fast and budget.settings == dict(image_size=256, steps=10) and "gallery" in budget.reason
    monkeypatch.setenv("CV_SEMINAR_MODE", "full")
    assert setup(verbose=False, **sizes).settings == dict(image_size=512, steps=300)


def test_gallery_may_not_invent_settings():
    with pytest.raises(ValueError, match="unknown: \\['epochs'\\]"):
        setup(verbose=False, fast=dict(steps=1), full=dict(steps=2), gallery=dict(epochs=3))
