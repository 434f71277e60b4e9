"""Perceptual losses of neural style transfer (Gatys et al. 2016) and the course's fast optimisation loop.

Notebook 06 has students write the losses and the loop by hand (its hidden tests reject any call into this module
from an answer), then runs its heavy picture grids through StyleTransfer; notebook 08 trains with the losses.
"""
import torch
import torch.nn.functional as F


def gram_matrix(features: torch.Tensor) -> torch.Tensor:
    """(N, C, H, W) features -> (N, C, C) channel correlations F·Fᵀ / (C·H·W)."""
    n, c, h, w = features.shape
    flat = features.reshape(n, c, h * w)
    return flat @ flat.transpose(1, 2) / (c * h * w)


def content_loss(generated: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean squared error between two feature maps."""
    return F.mse_loss(generated, target)


def style_loss(generated_features: dict, target_grams: dict, layer_weights: dict) -> torch.Tensor:
    """Σ_l w_l · mean((G_l − A_l)²) over the layers named in `layer_weights`."""
    return sum(weight * F.mse_loss(gram_matrix(generated_features[layer]), target_grams[layer])
               for layer, weight in layer_weights.items())


def total_variation_loss(image: torch.Tensor) -> torch.Tensor:
    """Mean absolute difference between vertical neighbours plus that between horizontal neighbours."""
    vertical = (image[..., 1:, :] - image[..., :-1, :]).abs().mean()
    horizontal = (image[..., :, 1:] - image[..., :, :-1]).abs().mean()
    return vertical + horizontal


# --- The optimisation loop, fast: notebook 06 has students write it, then draws its picture grids with this one ---

CONTENT_LAYER = "relu4_2"
# Notebook 06's style layers (Gatys et al.'s five) and weights (64 / C_l)²: relu1_1 64 channels ... relu5_1 512.
STYLE_LAYERS = {"relu1_1": 1.0, "relu2_1": 1 / 4, "relu3_1": 1 / 16, "relu4_1": 1 / 64, "relu5_1": 1 / 64}


class _SymmetricGram(torch.autograd.Function):
    """G = Rᵀ·R·scale for rows R (N, L, C), with a one-product backward: dL/dR = R·(dG + dGᵀ)·scale.

    Plain autograd differentiates the two factors of Rᵀ·R separately: two batched products and an add.
    """

    @staticmethod
    def forward(ctx, rows, scale):
        ctx.save_for_backward(rows)
        ctx.scale = scale
        return rows.transpose(1, 2) @ rows * scale

    @staticmethod
    def backward(ctx, grad):
        (rows,) = ctx.saved_tensors
        return rows @ (grad + grad.transpose(1, 2)) * ctx.scale, None


def fast_gram_matrix(features: torch.Tensor) -> torch.Tensor:
    """gram_matrix's values, cheaper to differentiate and without copying channels_last maps.

    (N, H·W, C) is a view of the features in either memory format (F·Fᵀ of the (N, C, H·W) view is Rᵀ·R of it);
    gram_matrix's (N, C, H·W) view of a channels_last map is a copy, whose gradient then comes back in the other
    layout and costs a slow mixed-layout add where autograd meets the convolution's gradient.
    """
    n, c, h, w = features.shape
    rows = features.permute(0, 2, 3, 1).reshape(n, h * w, c)
    return _SymmetricGram.apply(rows, 1.0 / (c * h * w))


class StyleTransfer:
    """The Gatys et al. objective for one content image and one or more style images, ready to optimise.

        loss(x) = content_weight · content_loss(F_content(x), F_content(content))
                + style_weight · style_loss(F(x), A, layer_weights) + tv_weight · total_variation_loss(x)

    Same maths as the functions above (notebook 06 teaches them). `content=None` drops the content term (a style
    reconstruction, Gatys et al.'s Figure 1 bottom row); no `style_layers` drops the style term (a content
    reconstruction, the top row). What makes it fast:
    - content features and target Gram matrices are computed once, under no_grad: a step needs only the
      Gram matrices of the image being optimised;
    - each step runs VGG19 once, and only up to the deepest layer used (VGG19Features stops there);
    - channels_last memory format: oneDNN's CPU convolutions and max-pooling run faster on it, and
      fast_gram_matrix reads it without a copy and differentiates the Gram matrix with one product, not two;
    - several styles become ONE target per layer: Σ_s β_s·mean((G − A_s)²) = (Σβ)·mean((G − Ā)²) + const
      with Ā = Σ_s β_s A_s / Σβ, so the gradient is the same and a step computes one Gram matrix per layer.

    `channels_last=True` converts the model's weights to that layout in place (same values, same activations).
    The original (Caffe) VGG19 sees 0-255 pixels, so its raw losses are in the millions: pass weights that scale
    them down for L-BFGS (see `steps`).
    """

    def __init__(self, model, content=None, styles=(), *, content_layer=CONTENT_LAYER, style_layers=STYLE_LAYERS,
                 content_weight=1.0, style_weight=1.0, style_mix=None, tv_weight=0.0, channels_last=True):
        self.model = model.to(memory_format=torch.channels_last) if channels_last else model
        self.channels_last = channels_last
        self.content_layer = None if content is None else content_layer
        self.layer_weights = dict(style_layers) if isinstance(style_layers, dict) else dict.fromkeys(style_layers, 1.0)
        self.layers = ([] if content is None else [content_layer]) + list(self.layer_weights)
        if not self.layers:
            raise ValueError("nothing to optimise: give a content image, style layers, or both")
        styles = ([styles] if torch.is_tensor(styles) else list(styles)) if self.layer_weights else []
        if self.layer_weights and not styles:
            raise ValueError(f"style layers {list(self.layer_weights)} need at least one style image")
        if style_mix is None:  # the mean of the styles
            style_mix = [1.0 / len(styles)] * len(styles) if styles else []
        mix = [float(beta) for beta in style_mix]
        if styles and (len(mix) != len(styles) or min(mix) < 0 or sum(mix) == 0):
            raise ValueError(f"style_mix needs one non-negative weight per style ({len(styles)}), got {style_mix}")
        with torch.no_grad():
            self.content_target = None if content is None else self.features(content, [content_layer])[content_layer]
            grams = [{layer: gram_matrix(f) for layer, f in self.features(style, self.layer_weights).items()}
                     for style in styles]                               # no styles without style layers
        self.style_targets = {layer: sum(beta * g[layer] for beta, g in zip(mix, grams)) / sum(mix)
                              for layer in self.layer_weights}
        self.content_weight, self.style_weight, self.tv_weight = content_weight, style_weight * sum(mix), tv_weight

    def features(self, images: torch.Tensor, layers) -> dict:
        """VGG activations of (3, H, W) or (N, 3, H, W) images at `layers`."""
        images = images[None] if images.dim() == 3 else images
        if self.channels_last:
            images = images.contiguous(memory_format=torch.channels_last)
        return self.model(images, layers)

    def loss(self, image: torch.Tensor) -> torch.Tensor:
        """The total loss of an (N, 3, H, W) image: one VGG pass against the targets computed in __init__."""
        features = self.features(image, self.layers)
        total = 0.0
        if self.content_layer is not None:
            total = self.content_weight * content_loss(features[self.content_layer], self.content_target)
        if self.layer_weights:
            style = sum(weight * F.mse_loss(fast_gram_matrix(features[layer]), self.style_targets[layer])
                        for layer, weight in self.layer_weights.items())  # = style_loss(features, targets, weights)
            total = total + self.style_weight * style
        if self.tv_weight:
            total = total + self.tv_weight * total_variation_loss(image)
        return total

    def steps(self, image: torch.Tensor, optimizer: str = "lbfgs", lr: float | None = None, clamp: bool = True):
        """Optimise the contiguous leaf tensor `image` (N, 3, H, W) in place; yield the loss at each step's start.

        One step = one forward and one backward pass: L-BFGS runs with max_iter=1 (its history carries over from
        step to step), Adam as usual. `lr` defaults to 1 for L-BFGS and 0.05 (pixel change per step) for Adam.
        L-BFGS is not scale-free: when a curvature pair is rejected (ReLU and max-pool kinks can reject the
        first) it takes a plain gradient step lr·∇loss, so keep the gradient small in pixel units.
        """
        if optimizer == "lbfgs":
            opt = torch.optim.LBFGS([image], lr=1.0 if lr is None else lr, max_iter=1)
        elif optimizer == "adam":
            opt = torch.optim.Adam([image], lr=0.05 if lr is None else lr)
        else:
            raise ValueError(f"optimizer must be 'lbfgs' or 'adam', got {optimizer!r}")

        def closure():
            opt.zero_grad(set_to_none=True)
            loss = self.loss(image)
            loss.backward()
            return loss

        while True:
            loss = opt.step(closure)
            if clamp:
                with torch.no_grad():
                    image.clamp_(0, 1)
            yield loss.item()

    def run(self, init: torch.Tensor, steps: int, optimizer: str = "lbfgs", lr: float | None = None,
            clamp: bool = True) -> tuple[torch.Tensor, list[float]]:
        """Optimise a copy of `init` (3, H, W) for `steps` steps; return (image, loss at the start of each step)."""
        image = init.detach().clone(memory_format=torch.contiguous_format)[None].requires_grad_(True)
        losses = [loss for _, loss in zip(range(steps), self.steps(image, optimizer, lr, clamp))]
        return image.detach()[0], losses
