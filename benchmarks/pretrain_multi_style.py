"""Train the 4-style network that notebook 08 loads in fast mode; write helpers/data/08_multi_style_fast.pt.

Fast mode can afford 100 training steps on a CPU: enough for each style's colours, not for its texture. This script
trains the same network on the same data with the same loss for longer: it runs the solution notebook's own cells
(by id, nothing reimplemented) in fast mode, with RECIPE's settings in place of fast mode's, and stores the weights
as float16 in the order the network uses them (helpers.checkpoints: the notebook loads them into whatever attribute
names a student chose), with the recipe, the loss history and the CPU time.

    nice python -m benchmarks.pretrain_multi_style [--steps N] [--output PATH]
"""
import argparse
import json
import os
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "solutions" / "08_multi_style" / "08_multi_style.ipynb"
OUTPUT = REPO / "helpers" / "data" / "08_multi_style_fast.pt"
# The notebook's cells that define the network, the data, the loss and the training loop, and train it.
CELLS = ("setup", "conditional_instance_norm", "conv_layer", "transformer_net", "new_style_parameters", "content_data",
         "style_data", "perceptual_loss", "train_loop", "train_cin")
# Fast mode's settings (same network, styles and 128 px style images), but 15x the steps on 96 px crops of 200
# photos, and relu4_1 in the style loss for texture at a larger scale.
RECIPE = dict(steps=1500, crop=96, num_contents=200, style_layers=("relu1_1", "relu2_1", "relu3_1", "relu4_1"))


def notebook_cells(ids) -> list[tuple[str, str]]:
    """(id, source) of the notebook's code cells named in `ids`, in that order."""
    cells = {c["id"]: "".join(c["source"]) for c in json.loads(NOTEBOOK.read_text())["cells"]
             if c["cell_type"] == "code"}
    missing = [i for i in ids if i not in cells]
    if missing:
        raise SystemExit(f"{NOTEBOOK} has no code cells {missing}: update CELLS")
    return [(i, cells[i]) for i in ids]


def train(recipe: dict) -> dict:
    """Run the notebook's cells with `recipe` overriding the fast settings; return their namespace."""
    os.environ["CV_SEMINAR_MODE"] = "fast"
    import matplotlib

    matplotlib.use("Agg")  # the style cell draws its figure; nobody looks at it here
    namespace = {"__name__": "pretrain_multi_style"}
    for cell_id, source in notebook_cells(CELLS):
        exec(compile(source, f"<{NOTEBOOK.name}:{cell_id}>", "exec"), namespace)
        if cell_id == "setup":
            unknown = set(recipe) - set(namespace["budget"].settings)
            if unknown:
                raise SystemExit(f"RECIPE sets {sorted(unknown)}, which the notebook's budget does not have")
            namespace["budget"].settings.update(recipe)
        matplotlib.pyplot.close("all")
    return namespace


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pretrain_multi_style", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=RECIPE["steps"], help=f"training steps (default {RECIPE['steps']})")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"weights file (default {OUTPUT.relative_to(REPO)})")
    args = parser.parse_args(argv)
    recipe = {**RECIPE, "steps": args.steps}

    import torch

    from helpers.checkpoints import state_in_call_order

    start_wall, start_cpu = time.perf_counter(), time.process_time()
    ns = train(recipe)
    net, budget, history = ns["trained"], ns["budget"], ns["history"]
    probe = (torch.rand(1, 3, 16, 16), torch.zeros(1, dtype=torch.long))
    checkpoint = {
        "parameters": [t.half() for t in state_in_call_order(net.cpu(), *probe)],
        "style_names": list(ns["style_names"]),
        "width": budget.width,
        "residual_blocks": budget.residual_blocks,
        "recipe": {**{k: list(v) if isinstance(v, tuple) else v for k, v in budget.settings.items()},
                   "seed": budget.seed, "script": "benchmarks/pretrain_multi_style.py"},
        "loss_history": torch.tensor(history["total"], dtype=torch.float32),
        "cpu_seconds": round(time.process_time() - start_cpu),
        "wall_seconds": round(time.perf_counter() - start_wall),
        "torch": str(torch.__version__),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    torch.save(checkpoint, args.output)
    print(f"wrote {args.output} ({args.output.stat().st_size / 1e6:.2f} MB): {args.steps} steps, loss "
          f"{history['total'][0]:.2f} -> {ns['final_loss'](history):.2f}, {checkpoint['cpu_seconds']} CPU-s, "
          f"{checkpoint['wall_seconds']} s wall")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
