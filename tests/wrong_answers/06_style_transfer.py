"""Classic wrong answers to 06's exercises: each must fail at least one graded cell of its exercise."""

_STYLIZE_HEADER = '''
def stylize(model, content, style, *, content_layer="relu4_2", layer_weights=STYLE_LAYERS, content_weight=1.0,
            style_weight=1.0, tv_weight=0.0, init="content", optimizer="lbfgs", steps=30, lr=None):
'''


def _stylize(*, target="    with torch.no_grad():\n        content_target = model(content[None], [content_layer])[content_layer]\n",
             start='    if isinstance(init, str):\n        init = {"content": content, "noise": torch.rand_like(content)}[init]\n'
                   '    image = init.detach().clone()[None].requires_grad_(True)\n',
             optimizers='    if optimizer == "lbfgs":\n        opt = torch.optim.LBFGS([image], lr=1.0 if lr is None else lr, max_iter=1)\n'
                        '    else:\n        opt = torch.optim.Adam([image], lr=0.05 if lr is None else lr)\n',
             zero="        opt.zero_grad()\n",
             loss="        loss = (content_weight * content_loss(features[content_layer], content_target)\n"
                  "                + style_weight * style_term(features) + tv_weight * total_variation_loss(image))\n",
             record="        losses.append(opt.step(closure).item())\n",
             clamp="        with torch.no_grad():\n            image.clamp_(0, 1)\n",
             result="    return image.detach()[0], losses\n") -> str:
    """The solution's loop with one part replaced: the wrong answers below differ from it in one place each."""
    return (_STYLIZE_HEADER + target
            + "    style_term = style if callable(style) else (lambda features: style_loss(features, style, layer_weights))\n"
            + start + optimizers
            + "\n    def closure():\n" + zero + "        features = model(image, [content_layer, *layer_weights])\n" + loss
            + "        loss.backward()\n        return loss\n\n    losses = []\n    for _ in range(steps):\n"
            + record + clamp + result)


ANSWERS = {
    "content_loss": {
        "sum, not mean": '''
def content_loss(generated, target):
    return (generated - target).pow(2).sum()
''',
        "normalised per image (batch forgotten)": '''
def content_loss(generated, target):
    return (generated - target).pow(2).sum() / generated[0].numel()
''',
        "absolute differences (L1)": '''
def content_loss(generated, target):
    return (generated - target).abs().mean()
''',
        "root of the mean square": '''
def content_loss(generated, target):
    return (generated - target).pow(2).mean().sqrt()
''',
        "F.mse_loss, which the text forbids": '''
def content_loss(generated, target):
    return F.mse_loss(generated, target)
''',
        "nn.MSELoss module": '''
def content_loss(generated, target):
    return nn.MSELoss()(generated, target)
''',
        "helpers.style's version by alias": '''
from helpers.style import content_loss as course_content_loss


def content_loss(generated, target):
    return course_content_loss(generated, target)
''',
        "helpers.style's version as a default argument": '''
import helpers.style


def content_loss(generated, target, _impl=helpers.style.content_loss):
    return _impl(generated, target)
''',
        "a Python float (.item())": '''
def content_loss(generated, target):
    return (generated - target).pow(2).mean().item()
''',
        "subtracts in place": '''
def content_loss(generated, target):
    diff = generated.sub_(target) if not generated.requires_grad else generated - target
    return diff.pow(2).mean()
''',
        "a tensor subclass that claims to be close to anything": '''
class _Agreeable(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if func in (torch.isclose, torch.allclose, torch.equal, torch.Tensor.__eq__, torch.testing.assert_close):
            return True
        return super().__torch_function__(func, types, args, kwargs or {})


def content_loss(generated, target):
    return torch.zeros((), dtype=generated.dtype).as_subclass(_Agreeable)
''',
    },
    "gram_matrix": {
        "normalised by H·W only": '''
def gram_matrix(features):
    n, c, h, w = features.shape
    flat = features.reshape(n, c, h * w)
    return flat @ flat.transpose(1, 2) / (h * w)
''',
        "no normalisation": '''
def gram_matrix(features):
    n, c, h, w = features.shape
    flat = features.reshape(n, c, h * w)
    return flat @ flat.transpose(1, 2)
''',
        "Fᵀ·F (positions x positions)": '''
def gram_matrix(features):
    n, c, h, w = features.shape
    flat = features.reshape(n, c, h * w)
    return flat.transpose(1, 2) @ flat / (c * h * w)
''',
        "one Gram for the whole batch": '''
def gram_matrix(features):
    n, c, h, w = features.shape
    flat = features.transpose(0, 1).reshape(c, -1)
    return (flat @ flat.T / (c * h * w * n)).expand(n, c, c)
''',
        "always float32": '''
def gram_matrix(features):
    n, c, h, w = features.shape
    flat = features.float().reshape(n, c, h * w)
    return flat @ flat.transpose(1, 2) / (c * h * w)
''',
        "through numpy (no gradient)": '''
def gram_matrix(features):
    n, c, h, w = features.shape
    flat = features.detach().numpy().reshape(n, c, h * w)
    return torch.from_numpy(flat @ flat.transpose(0, 2, 1) / (c * h * w))
''',
        "scales the input in place": '''
def gram_matrix(features):
    n, c, h, w = features.shape
    if not features.requires_grad:
        features /= (c * h * w) ** 0.5
        flat = features.reshape(n, c, h * w)
        return flat @ flat.transpose(1, 2)
    flat = features.reshape(n, c, h * w)
    return flat @ flat.transpose(1, 2) / (c * h * w)
''',
        "helpers.style's version reached by getattr": '''
import importlib


def gram_matrix(features):
    return getattr(importlib.import_module("helpers.style"), "gram_matrix")(features)
''',
        "helpers.style.fast_gram_matrix by alias": '''
from helpers.style import fast_gram_matrix as _quick


def gram_matrix(features):
    return _quick(features.contiguous())
''',
    },
    "style_loss": {
        "sum, not mean, per layer": '''
def style_loss(generated_features, target_grams, layer_weights):
    return sum(w * (gram_matrix(generated_features[k]) - target_grams[k]).pow(2).sum() for k, w in layer_weights.items())
''',
        "weights ignored": '''
def style_loss(generated_features, target_grams, layer_weights):
    return sum((gram_matrix(generated_features[k]) - target_grams[k]).pow(2).mean() for k in layer_weights)
''',
        "every layer of the features, not only layer_weights": '''
def style_loss(generated_features, target_grams, layer_weights):
    return sum(layer_weights.get(k, 1.0) * (gram_matrix(f) - target_grams[k]).pow(2).mean()
               for k, f in generated_features.items())
''',
        "mean over the layers instead of the weighted sum": '''
def style_loss(generated_features, target_grams, layer_weights):
    terms = [w * (gram_matrix(generated_features[k]) - target_grams[k]).pow(2).mean() for k, w in layer_weights.items()]
    return sum(terms) / len(terms)
''',
        "the graph cut by torch.tensor(...)": '''
def style_loss(generated_features, target_grams, layer_weights):
    total = sum(w * (gram_matrix(generated_features[k]) - target_grams[k]).pow(2).mean() for k, w in layer_weights.items())
    return torch.tensor(float(total))
''',
        "helpers.style.style_loss by alias": '''
from helpers.style import style_loss as _course_style_loss


def style_loss(generated_features, target_grams, layer_weights):
    return _course_style_loss(generated_features, target_grams, layer_weights)
''',
        "helpers.style.gram_matrix inside, as a default argument": '''
import helpers.style as _hs


def style_loss(generated_features, target_grams, layer_weights, _gram=_hs.gram_matrix):
    return sum(w * (_gram(generated_features[k]) - target_grams[k]).pow(2).mean() for k, w in layer_weights.items())
''',
    },
    "total_variation_loss": {
        "squares instead of absolute values": '''
def total_variation_loss(img):
    return (img[..., 1:, :] - img[..., :-1, :]).pow(2).mean() + (img[..., :, 1:] - img[..., :, :-1]).pow(2).mean()
''',
        "one mean over both directions": '''
def total_variation_loss(img):
    return ((img[..., 1:, :] - img[..., :-1, :]).abs().sum() + (img[..., :, 1:] - img[..., :, :-1]).abs().sum()) / img.numel()
''',
        "horizontal direction only": '''
def total_variation_loss(img):
    return (img[..., :, 1:] - img[..., :, :-1]).abs().mean()
''',
        "axes 1 and 2 (assumes a (3, H, W) image)": '''
def total_variation_loss(img):
    return (img[:, 1:, ...] - img[:, :-1, ...]).abs().mean() + (img[:, :, 1:] - img[:, :, :-1]).abs().mean()
''',
        "helpers.style's version as a default argument": '''
import helpers.style


def total_variation_loss(img, _impl=helpers.style.total_variation_loss):
    return _impl(img)
''',
    },
    "stylize": {
        "L-BFGS with its default max_iter=20": _stylize(
            optimizers='    if optimizer == "lbfgs":\n        opt = torch.optim.LBFGS([image], lr=1.0 if lr is None else lr)\n'
                       '    else:\n        opt = torch.optim.Adam([image], lr=0.05 if lr is None else lr)\n'),
        "no clamp": _stylize(clamp=""),
        "returns the (1, 3, H, W) batch": _stylize(result="    return image.detach(), losses\n"),
        "returns the image with its graph": _stylize(result="    return image[0], losses\n"),
        "optimises the content tensor itself": _stylize(
            start='    if isinstance(init, str):\n        init = {"content": content, "noise": torch.rand_like(content)}[init]\n'
                  '    image = init[None].requires_grad_(True)\n'),
        "no zero_grad: gradients pile up": _stylize(zero=""),
        "Adam's lr defaults to 1e-3": _stylize(
            optimizers='    if optimizer == "lbfgs":\n        opt = torch.optim.LBFGS([image], lr=1.0 if lr is None else lr, max_iter=1)\n'
                       '    else:\n        opt = torch.optim.Adam([image], lr=1e-3 if lr is None else lr)\n'),
        "lr ignored": _stylize(
            optimizers='    if optimizer == "lbfgs":\n        opt = torch.optim.LBFGS([image], lr=1.0, max_iter=1)\n'
                       '    else:\n        opt = torch.optim.Adam([image], lr=0.05)\n'),
        "Gaussian noise (randn_like)": _stylize(
            start='    if isinstance(init, str):\n        init = {"content": content, "noise": torch.randn_like(content)}[init]\n'
                  '    image = init.detach().clone()[None].requires_grad_(True)\n'),
        "a given init tensor ignored": _stylize(
            start='    init = torch.rand_like(content) if isinstance(init, str) and init == "noise" else content\n'
                  '    image = init.detach().clone()[None].requires_grad_(True)\n'),
        "content and style weights swapped": _stylize(
            loss="        loss = (style_weight * content_loss(features[content_layer], content_target)\n"
                 "                + content_weight * style_term(features) + tv_weight * total_variation_loss(image))\n"),
        "content target recomputed every step": _stylize(
            target="",
            loss="        with torch.no_grad():\n            content_target = model(content[None], [content_layer])[content_layer]\n"
                 "        loss = (content_weight * content_loss(features[content_layer], content_target)\n"
                 "                + style_weight * style_term(features) + tv_weight * total_variation_loss(image))\n"),
        "records the loss after the step (an extra forward pass)": _stylize(
            record="        opt.step(closure)\n        losses.append(closure().item())\n"),
        "helpers.style's total_variation_loss by alias": "from helpers.style import total_variation_loss as _tv\n" + _stylize(
            loss="        loss = (content_weight * content_loss(features[content_layer], content_target)\n"
                 "                + style_weight * style_term(features) + tv_weight * _tv(image))\n"),
    },
    "masked_gram_matrix": {
        "normalised by C·H·W, not by the area": '''
def masked_gram_matrix(features, mask):
    n, c, h, w = features.shape
    m = F.interpolate(mask.to(features.dtype), size=(h, w), mode="bilinear")
    flat = (features * m).reshape(n, c, h * w)
    return flat @ flat.transpose(1, 2) / (c * h * w)
''',
        "the mask in one factor only": '''
def masked_gram_matrix(features, mask):
    n, c, h, w = features.shape
    m = F.interpolate(mask.to(features.dtype), size=(h, w), mode="bilinear")
    area = m.sum(dim=(1, 2, 3)).view(n, 1, 1)
    gram = (features * m).reshape(n, c, -1) @ features.reshape(n, c, -1).transpose(1, 2)
    return gram / (c * area.clamp_min(1e-12))
''',
        "the area of the mask before resizing": '''
def masked_gram_matrix(features, mask):
    n, c, h, w = features.shape
    m = F.interpolate(mask.to(features.dtype), size=(h, w), mode="bilinear")
    flat = (features * m).reshape(n, c, h * w)
    area = mask.sum(dim=(1, 2, 3)).view(n, 1, 1).to(features.dtype)
    return flat @ flat.transpose(1, 2) / (c * area.clamp_min(1e-12))
''',
        "nearest-neighbour resizing": '''
def masked_gram_matrix(features, mask):
    n, c, h, w = features.shape
    m = F.interpolate(mask.to(features.dtype), size=(h, w), mode="nearest")
    flat = (features * m).reshape(n, c, h * w)
    area = m.sum(dim=(1, 2, 3)).view(n, 1, 1)
    return flat @ flat.transpose(1, 2) / (c * area.clamp_min(1e-12))
''',
        "one area for the whole batch": '''
def masked_gram_matrix(features, mask):
    n, c, h, w = features.shape
    m = F.interpolate(mask.to(features.dtype), size=(h, w), mode="bilinear")
    flat = (features * m).reshape(n, c, h * w)
    return flat @ flat.transpose(1, 2) / (c * m.sum().clamp_min(1e-12))
''',
        "NaN for an empty mask (0/0)": '''
def masked_gram_matrix(features, mask):
    n, c, h, w = features.shape
    m = F.interpolate(mask.to(features.dtype), size=(h, w), mode="bilinear")
    flat = (features * m).reshape(n, c, h * w)
    return flat @ flat.transpose(1, 2) / (c * m.sum(dim=(1, 2, 3)).view(n, 1, 1))
''',
        "torch.where without a clamp: NaN gradients at an empty mask": '''
def masked_gram_matrix(features, mask):
    n, c, h, w = features.shape
    m = F.interpolate(mask.to(features.dtype), size=(h, w), mode="bilinear")
    flat = (features * m).reshape(n, c, h * w)
    area = m.sum(dim=(1, 2, 3)).view(n, 1, 1)
    gram = flat @ flat.transpose(1, 2)
    return torch.where(area > 0, gram / (c * area), torch.zeros_like(gram))
''',
        "rounds the soft mask in place": '''
def masked_gram_matrix(features, mask):
    n, c, h, w = features.shape
    m = F.interpolate(mask.round_().to(features.dtype), size=(h, w), mode="bilinear")
    flat = (features * m).reshape(n, c, h * w)
    area = m.sum(dim=(1, 2, 3)).view(n, 1, 1)
    return flat @ flat.transpose(1, 2) / (c * area.clamp_min(1e-12))
''',
        "helpers.style.gram_matrix of the masked features, by alias": '''
from helpers.style import gram_matrix as _course_gram


def masked_gram_matrix(features, mask):
    n, c, h, w = features.shape
    m = F.interpolate(mask.to(features.dtype), size=(h, w), mode="bilinear")
    area = m.sum(dim=(1, 2, 3)).view(n, 1, 1)
    return _course_gram(features * m) * (h * w) / area.clamp_min(1e-12)
''',
    },
}
