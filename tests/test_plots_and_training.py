"""Plots draw what they are given; the training loop lowers a loss and records it."""
import matplotlib
import torch
import torch.nn as nn

matplotlib.use("Agg")

from helpers import (draw_boxes, evaluate, overlay_segmentation, plot_history, show_images,  # noqa: E402
                     show_matrices, show_matrix, train, train_resumable)


def test_show_images_makes_one_axis_per_image_with_titles():
    fig = show_images([torch.rand(3, 8, 8), torch.rand(8, 8), torch.rand(3, 4, 6)], titles=["a", "b", "c"], ncols=2)
    titled = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titled == ["a", "b", "c"] and len(fig.axes) == 4


def test_overlay_colours_classes_and_leaves_void_alone():
    image = torch.full((3, 4, 4), 0.5)
    mask = torch.tensor([[0, 0, 1, 1]] * 2 + [[255, 255, 255, 255]] * 2)
    palette = [(0, 0, 0), (255, 0, 0)]
    out = overlay_segmentation(image, mask, palette, alpha=1.0)
    assert out.dtype == torch.uint8 and out.shape == (3, 4, 4)
    assert out[:, 0, 2].tolist() == [255, 0, 0]
    assert out[:, 0, 0].tolist() == out[:, 3, 0].tolist() == [128, 128, 128]
    with_background = overlay_segmentation(image, mask, palette, alpha=1.0, background=None)
    assert with_background[:, 0, 0].tolist() == [0, 0, 0]


def test_draw_boxes_paints_the_border():
    out = draw_boxes(torch.zeros(3, 10, 10), [[2, 2, 7, 7]], colors="red", width=1)
    assert out[0, 2, 4] == 255 and out[0, 5, 5] == 0


def test_draw_boxes_draws_on_a_drawn_picture():
    first = draw_boxes(torch.zeros(3, 10, 10), [[1, 1, 4, 4]], colors="red", width=1)
    both = draw_boxes(first, [[5, 5, 9, 9]], colors="lime", width=1)
    assert both[0, 1, 2] == 255 and both[1, 5, 7] == 255  # the first box stays, the second is added
    assert both[:, 7, 2].tolist() == [0, 0, 0]


def test_plot_history_draws_each_curve():
    ax = plot_history({"train": [3, 2, 1], "val": [4, 3, 3]})
    assert len(ax.get_lines()) == 2


def test_train_lowers_the_loss_and_returns_every_step():
    torch.manual_seed(0)
    x = torch.randn(64, 3)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]])
    batches = [(x[i:i + 16], y[i:i + 16]) for i in range(0, 64, 16)]
    model = nn.Linear(3, 1)
    history = train(model, batches, nn.functional.mse_loss, torch.optim.SGD(model.parameters(), lr=0.1), epochs=20)
    assert len(history) == 20 * len(batches)
    assert history[-1] < 1e-3 * history[0]
    assert evaluate(model, batches, nn.functional.mse_loss) < 1e-3


def test_show_matrix_writes_every_value_readably():
    ax = show_matrix(torch.tensor([[0.0, 1.0], [2.0, 3.0]]))
    texts = {t.get_text(): t.get_color() for t in ax.texts}
    assert set(texts) == {"0", "1", "2", "3"}
    assert texts["0"] == "white" and texts["3"] == "black"  # viridis: dark purple -> yellow


def test_show_matrices_puts_each_titled_matrix_on_its_own_axis():
    fig = show_matrices({"a": torch.zeros(2, 2), "b": torch.eye(3)})
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    assert [len(ax.texts) for ax in fig.axes] == [4, 9]


def test_draw_boxes_without_boxes_returns_the_image_quietly(recwarn):
    out = draw_boxes(torch.full((3, 4, 4), 0.5), torch.zeros(0, 4))
    assert out.dtype == torch.uint8 and (out == 128).all() and not recwarn.list


def _steps(seed=0):
    """A tiny regression problem in fixed batches (no shuffling), so that runs can be compared step by step."""
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(4, 8, 3, generator=generator)
    return [(xi, xi.sum(1, keepdim=True)) for xi in x]


def _fresh(lr=0.1):
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    return model, optimizer, torch.optim.lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)


def test_train_resumable_goes_on_where_a_cut_run_stopped(tmp_path):
    path = tmp_path / "ckpt" / "model.pt"
    straight, opt, sched = _fresh()
    all_losses, _ = train_resumable(straight, _steps(), nn.functional.mse_loss, opt, 5, tmp_path / "other.pt",
                                    scheduler=sched)
    cut, opt, sched = _fresh()
    first, _ = train_resumable(cut, _steps(), nn.functional.mse_loss, opt, 3, path, scheduler=sched, settings="a")
    resumed, opt, sched = _fresh()
    losses, seconds = train_resumable(resumed, _steps(), nn.functional.mse_loss, opt, 5, path, resume=True,
                                      scheduler=sched, settings="a")
    assert first == all_losses[:len(first)] and losses == all_losses and seconds > 0
    assert torch.equal(resumed.weight, straight.weight) and torch.equal(resumed.bias, straight.bias)


def test_train_resumable_starts_over_on_other_settings_or_without_resume(tmp_path):
    path = tmp_path / "model.pt"
    model, opt, _ = _fresh()
    train_resumable(model, _steps(), nn.functional.mse_loss, opt, 2, path, every=2, settings="a")
    for resume, settings in ((True, "b"), (False, "a")):
        again, opt, _ = _fresh()
        losses, _ = train_resumable(again, _steps(), nn.functional.mse_loss, opt, 2, path, resume=resume,
                                    settings=settings)
        assert len(losses) == 2 * len(_steps()), "trained both epochs again"
