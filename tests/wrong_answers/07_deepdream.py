"""Classic wrong answers to 07's exercises: each must fail at least one graded cell of its exercise."""

ANSWERS = {
    "dream_objective": {
        "mean without the square": '''
def dream_objective(activations):
    return sum(a.mean() for a in activations)
''',
        "sum of squares, no mean": '''
def dream_objective(activations):
    return sum(a.pow(2).sum() for a in activations)
''',
        "one mean over all layers together": '''
def dream_objective(activations):
    return torch.cat([a.flatten() for a in activations]).pow(2).mean()
''',
        "squares the activations in place": '''
def dream_objective(activations):
    return sum(a.detach().pow_(2).mean() + 0 * a.sum() for a in activations)
''',
        "returns a Python float": '''
def dream_objective(activations):
    return sum(a.pow(2).mean().item() for a in activations)
''',
        "computes in float32": '''
def dream_objective(activations):
    return sum(a.float().pow(2).mean() for a in activations)
''',
    },
    "normalize_gradient": {
        "L2 norm": '''
def normalize_gradient(grad):
    return grad / (grad.norm() + 1e-8)
''',
        "mean per sample": '''
def normalize_gradient(grad):
    return grad / (grad.abs().mean(dim=tuple(range(1, grad.ndim)), keepdim=True) + 1e-8)
''',
        "epsilon outside the fraction, NaN patched": '''
def normalize_gradient(grad):
    return torch.nan_to_num(grad / grad.abs().mean()) + 1e-8 * 0
''',
        "divides in place": '''
def normalize_gradient(grad):
    return grad.div_(grad.abs().mean() + 1e-8)
''',
        "max instead of mean": '''
def normalize_gradient(grad):
    return grad / (grad.abs().max() + 1e-8)
''',
    },
    "random_roll": {
        "upper end excluded": '''
def random_roll(img, max_shift, generator=None):
    dy, dx = torch.randint(-max_shift, max_shift, (2,), generator=generator).tolist()
    return torch.roll(img, shifts=(dy, dx), dims=(-2, -1)), (dy, dx)


def unroll(img, shift):
    return torch.roll(img, shifts=(-shift[0], -shift[1]), dims=(-2, -1))
''',
        "ignores the generator": '''
def random_roll(img, max_shift, generator=None):
    dy, dx = torch.randint(-max_shift, max_shift + 1, (2,)).tolist()
    return torch.roll(img, shifts=(dy, dx), dims=(-2, -1)), (dy, dx)


def unroll(img, shift):
    return torch.roll(img, shifts=(-shift[0], -shift[1]), dims=(-2, -1))
''',
        "one draw for both axes": '''
def random_roll(img, max_shift, generator=None):
    d = int(torch.randint(-max_shift, max_shift + 1, (1,), generator=generator))
    return torch.roll(img, shifts=(d, d), dims=(-2, -1)), (d, d)


def unroll(img, shift):
    return torch.roll(img, shifts=(-shift[0], -shift[1]), dims=(-2, -1))
''',
        "unroll rolls the same way again": '''
def random_roll(img, max_shift, generator=None):
    dy, dx = torch.randint(-max_shift, max_shift + 1, (2,), generator=generator).tolist()
    return torch.roll(img, shifts=(dy, dx), dims=(-2, -1)), (dy, dx)


def unroll(img, shift):
    return torch.roll(img, shifts=tuple(shift), dims=(-2, -1))
''',
        "dy on the columns, dx on the rows": '''
def random_roll(img, max_shift, generator=None):
    dy, dx = torch.randint(-max_shift, max_shift + 1, (2,), generator=generator).tolist()
    return torch.roll(img, shifts=(dx, dy), dims=(-2, -1)), (dy, dx)


def unroll(img, shift):
    return torch.roll(img, shifts=(-shift[1], -shift[0]), dims=(-2, -1))
''',
        "shift returned as tensors": '''
def random_roll(img, max_shift, generator=None):
    dy, dx = torch.randint(-max_shift, max_shift + 1, (2,), generator=generator)
    return torch.roll(img, shifts=(int(dy), int(dx)), dims=(-2, -1)), (dy, dx)


def unroll(img, shift):
    return torch.roll(img, shifts=(-int(shift[0]), -int(shift[1])), dims=(-2, -1))
''',
        "no roll at all, hidden behind a tensor subclass whose torch.equal always says True": '''
class _AlwaysEqual(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if func is torch.equal:
            return True
        return super().__torch_function__(func, types, args, kwargs or {})


def random_roll(img, max_shift, generator=None):
    dy, dx = torch.randint(-max_shift, max_shift + 1, (2,), generator=generator).tolist()
    return img.clone().as_subclass(_AlwaysEqual), (dy, dx)


def unroll(img, shift):
    return torch.roll(img, shifts=(-shift[0], -shift[1]), dims=(-2, -1)).as_subclass(_AlwaysEqual)
''',
        "only non-negative shifts": '''
def random_roll(img, max_shift, generator=None):
    dy, dx = torch.randint(0, max_shift + 1, (2,), generator=generator).tolist()
    return torch.roll(img, shifts=(dy, dx), dims=(-2, -1)), (dy, dx)


def unroll(img, shift):
    return torch.roll(img, shifts=(-shift[0], -shift[1]), dims=(-2, -1))
''',
    },
    "octave_sizes": {
        "truncates instead of rounding": '''
def octave_sizes(size, n_octaves, scale):
    return [(int(size[0] / scale ** (n_octaves - 1 - k)), int(size[1] / scale ** (n_octaves - 1 - k)))
            for k in range(n_octaves)]
''',
        "largest first": '''
def octave_sizes(size, n_octaves, scale):
    return [(round(size[0] / scale ** k), round(size[1] / scale ** k)) for k in range(n_octaves)]
''',
        "exponent off by one": '''
def octave_sizes(size, n_octaves, scale):
    return [(round(size[0] / scale ** (n_octaves - k)), round(size[1] / scale ** (n_octaves - k)))
            for k in range(n_octaves)]
''',
    },
    "deepdream": {
        "gradient descent": '''
def deepdream(model, image, layers, steps=10, lr=0.01, n_octaves=3, octave_scale=1.4, max_shift=16,
              generator=None, history=None):
    base = image.detach()[None]
    detail = torch.zeros_like(base)
    for size in octave_sizes(tuple(image.shape[-2:]), n_octaves, octave_scale):
        octave_base = resize(base, size)
        x = (octave_base + resize(detail, size)).clamp(0, 1)
        for _ in range(steps):
            rolled, shift = random_roll(x, max_shift, generator=generator)
            rolled.requires_grad_(True)
            objective = dream_objective(list(model(rolled, layers).values()))
            (grad,) = torch.autograd.grad(objective, rolled)
            x = unroll((rolled.detach() - lr * normalize_gradient(grad)).clamp(0, 1), shift)
            if history is not None:
                history.append(objective.item())
        detail = x - octave_base
    return x[0]
''',
        "upscales the whole small dream instead of the detail": '''
def deepdream(model, image, layers, steps=10, lr=0.01, n_octaves=3, octave_scale=1.4, max_shift=16,
              generator=None, history=None):
    x = None
    for size in octave_sizes(tuple(image.shape[-2:]), n_octaves, octave_scale):
        x = resize(image.detach()[None] if x is None else x, size).clamp(0, 1)
        for _ in range(steps):
            rolled, shift = random_roll(x, max_shift, generator=generator)
            rolled.requires_grad_(True)
            objective = dream_objective(list(model(rolled, layers).values()))
            (grad,) = torch.autograd.grad(objective, rolled)
            x = unroll((rolled.detach() + lr * normalize_gradient(grad)).clamp(0, 1), shift)
            if history is not None:
                history.append(objective.item())
    return x[0]
''',
        "objective on the unrolled image, gradient rolled": '''
def deepdream(model, image, layers, steps=10, lr=0.01, n_octaves=3, octave_scale=1.4, max_shift=16,
              generator=None, history=None):
    base = image.detach()[None]
    detail = torch.zeros_like(base)
    for size in octave_sizes(tuple(image.shape[-2:]), n_octaves, octave_scale):
        octave_base = resize(base, size)
        x = (octave_base + resize(detail, size)).clamp(0, 1)
        for _ in range(steps):
            rolled, shift = random_roll(x, max_shift, generator=generator)
            x = x.detach().requires_grad_(True)
            objective = dream_objective(list(model(x, layers).values()))
            (grad,) = torch.autograd.grad(objective, x)
            grad = torch.roll(grad, shifts=tuple(shift), dims=(-2, -1))
            x = unroll((rolled.detach() + lr * normalize_gradient(grad)).clamp(0, 1), shift)
            if history is not None:
                history.append(objective.item())
        detail = x - octave_base
    return x[0]
''',
        "forgets to unroll": '''
def deepdream(model, image, layers, steps=10, lr=0.01, n_octaves=3, octave_scale=1.4, max_shift=16,
              generator=None, history=None):
    base = image.detach()[None]
    detail = torch.zeros_like(base)
    for size in octave_sizes(tuple(image.shape[-2:]), n_octaves, octave_scale):
        octave_base = resize(base, size)
        x = (octave_base + resize(detail, size)).clamp(0, 1)
        for _ in range(steps):
            rolled, shift = random_roll(x, max_shift, generator=generator)
            rolled.requires_grad_(True)
            objective = dream_objective(list(model(rolled, layers).values()))
            (grad,) = torch.autograd.grad(objective, rolled)
            x = (rolled.detach() + lr * normalize_gradient(grad)).clamp(0, 1)
            if history is not None:
                history.append(objective.item())
        detail = x - octave_base
    return x[0]
''',
        "no clipping": '''
def deepdream(model, image, layers, steps=10, lr=0.01, n_octaves=3, octave_scale=1.4, max_shift=16,
              generator=None, history=None):
    base = image.detach()[None]
    detail = torch.zeros_like(base)
    for size in octave_sizes(tuple(image.shape[-2:]), n_octaves, octave_scale):
        octave_base = resize(base, size)
        x = octave_base + resize(detail, size)
        for _ in range(steps):
            rolled, shift = random_roll(x, max_shift, generator=generator)
            rolled.requires_grad_(True)
            objective = dream_objective(list(model(rolled, layers).values()))
            (grad,) = torch.autograd.grad(objective, rolled)
            x = unroll(rolled.detach() + lr * normalize_gradient(grad), shift)
            if history is not None:
                history.append(objective.item())
        detail = x - octave_base
    return x[0]
''',
        "history after the step": '''
def deepdream(model, image, layers, steps=10, lr=0.01, n_octaves=3, octave_scale=1.4, max_shift=16,
              generator=None, history=None):
    base = image.detach()[None]
    detail = torch.zeros_like(base)
    for size in octave_sizes(tuple(image.shape[-2:]), n_octaves, octave_scale):
        octave_base = resize(base, size)
        x = (octave_base + resize(detail, size)).clamp(0, 1)
        for _ in range(steps):
            rolled, shift = random_roll(x, max_shift, generator=generator)
            rolled.requires_grad_(True)
            objective = dream_objective(list(model(rolled, layers).values()))
            (grad,) = torch.autograd.grad(objective, rolled)
            x = unroll((rolled.detach() + lr * normalize_gradient(grad)).clamp(0, 1), shift)
            if history is not None:
                with torch.no_grad():
                    history.append(dream_objective(list(model(x, layers).values())).item())
        detail = x - octave_base
    return x[0]
''',
        "clips the input in place": '''
def deepdream(model, image, layers, steps=10, lr=0.01, n_octaves=3, octave_scale=1.4, max_shift=16,
              generator=None, history=None):
    base = image.detach()[None]
    detail = torch.zeros_like(base)
    for size in octave_sizes(tuple(image.shape[-2:]), n_octaves, octave_scale):
        octave_base = resize(base, size)
        x = (octave_base + resize(detail, size)).clamp(0, 1)
        for _ in range(steps):
            rolled, shift = random_roll(x, max_shift, generator=generator)
            rolled.requires_grad_(True)
            objective = dream_objective(list(model(rolled, layers).values()))
            (grad,) = torch.autograd.grad(objective, rolled)
            x = unroll((rolled.detach() + lr * normalize_gradient(grad)).clamp(0, 1), shift)
            if history is not None:
                history.append(objective.item())
        detail = x - octave_base
    image.copy_(x[0])
    return x[0]
''',
        "largest octave first": '''
def deepdream(model, image, layers, steps=10, lr=0.01, n_octaves=3, octave_scale=1.4, max_shift=16,
              generator=None, history=None):
    base = image.detach()[None]
    detail = torch.zeros_like(base)
    for size in octave_sizes(tuple(image.shape[-2:]), n_octaves, octave_scale)[::-1]:
        octave_base = resize(base, size)
        x = (octave_base + resize(detail, size)).clamp(0, 1)
        for _ in range(steps):
            rolled, shift = random_roll(x, max_shift, generator=generator)
            rolled.requires_grad_(True)
            objective = dream_objective(list(model(rolled, layers).values()))
            (grad,) = torch.autograd.grad(objective, rolled)
            x = unroll((rolled.detach() + lr * normalize_gradient(grad)).clamp(0, 1), shift)
            if history is not None:
                history.append(objective.item())
        detail = x - octave_base
    return x[0]
''',
        "returns the batch, not x[0]": '''
def deepdream(model, image, layers, steps=10, lr=0.01, n_octaves=3, octave_scale=1.4, max_shift=16,
              generator=None, history=None):
    base = image.detach()[None]
    detail = torch.zeros_like(base)
    for size in octave_sizes(tuple(image.shape[-2:]), n_octaves, octave_scale):
        octave_base = resize(base, size)
        x = (octave_base + resize(detail, size)).clamp(0, 1)
        for _ in range(steps):
            rolled, shift = random_roll(x, max_shift, generator=generator)
            rolled.requires_grad_(True)
            objective = dream_objective(list(model(rolled, layers).values()))
            (grad,) = torch.autograd.grad(objective, rolled)
            x = unroll((rolled.detach() + lr * normalize_gradient(grad)).clamp(0, 1), shift)
            if history is not None:
                history.append(objective.item())
        detail = x - octave_base
    return x
''',
    },
    "channel_objective": {
        "no channel check: -1 quietly reads the last channel": '''
def channel_objective(activations, channel):
    return activations[:, channel].mean()
''',
        "first sample of the batch only": '''
def channel_objective(activations, channel):
    if not 0 <= channel < activations.shape[1]:
        raise IndexError(channel)
    return activations[0, channel].mean()
''',
        "channel taken on the last axis": '''
def channel_objective(activations, channel):
    if not 0 <= channel < activations.shape[1]:
        raise IndexError(channel)
    return activations[..., channel].mean()
''',
        "squares the activation (DeepDream's objective)": '''
def channel_objective(activations, channel):
    if not 0 <= channel < activations.shape[1]:
        raise IndexError(channel)
    return activations[:, channel].pow(2).mean()
''',
        "sum instead of mean": '''
def channel_objective(activations, channel):
    if not 0 <= channel < activations.shape[1]:
        raise IndexError(channel)
    return activations[:, channel].sum()
''',
        "returns a Python float": '''
def channel_objective(activations, channel):
    if not 0 <= channel < activations.shape[1]:
        raise IndexError(channel)
    return activations[:, channel].mean().item()
''',
        "detaches the graph": '''
def channel_objective(activations, channel):
    if not 0 <= channel < activations.shape[1]:
        raise IndexError(channel)
    return activations[:, channel].detach().mean()
''',
        "ValueError instead of IndexError": '''
def channel_objective(activations, channel):
    if not 0 <= channel < activations.shape[1]:
        raise ValueError(f"bad channel {channel}")
    return activations[:, channel].mean()
''',
        "upper end of the range allowed": '''
def channel_objective(activations, channel):
    if channel < 0 or channel > activations.shape[1]:
        raise IndexError(channel)
    return activations[:, min(channel, activations.shape[1] - 1)].mean()
''',
        "computes in float32": '''
def channel_objective(activations, channel):
    if not 0 <= channel < activations.shape[1]:
        raise IndexError(channel)
    return activations[:, channel].float().mean()
''',
    },
}
