"""Correct answers to 07's exercises written in other idioms: each must pass every graded cell of its exercise."""

ANSWERS = {
    "dream_objective": {
        "stacked means of a * a": '''
def dream_objective(activations):
    return torch.stack([(a * a).mean() for a in activations]).sum()
''',
        "loop with sum / numel": '''
def dream_objective(activations):
    total = 0
    for a in activations:
        total = total + a.square().sum() / a.numel()
    return total
''',
        "squared vector norm": '''
def dream_objective(activations):
    return sum(torch.linalg.vector_norm(a) ** 2 / a.numel() for a in activations)
''',
    },
    "normalize_gradient": {
        "max(mean, eps) with clamp_min": '''
def normalize_gradient(grad):
    return grad / grad.abs().mean().clamp_min(1e-8)
''',
        "epsilon 1e-6, written out": '''
def normalize_gradient(grad):
    scale = grad.abs().sum() / grad.numel()
    return grad / (scale + 1e-6)
''',
        "epsilon 1e-10 via torch.div": '''
def normalize_gradient(grad):
    return torch.div(grad, grad.abs().mean().add(1e-10))
''',
    },
    "random_roll": {
        "two draws, unroll by slicing": '''
def random_roll(img, max_shift, generator=None):
    dy = int(torch.randint(-max_shift, max_shift + 1, (1,), generator=generator))
    dx = int(torch.randint(-max_shift, max_shift + 1, (1,), generator=generator))
    return img.roll((dy, dx), (-2, -1)), (dy, dx)


def unroll(img, shift):
    dy, dx = shift
    h, w = img.shape[-2:]
    dy, dx = dy % h, dx % w
    img = torch.cat([img[..., dy:, :], img[..., :dy, :]], dim=-2)
    return torch.cat([img[..., :, dx:], img[..., :, :dx]], dim=-1)
''',
        "offset draw, list shift, one axis at a time": '''
def random_roll(img, max_shift, generator=None):
    shift = (torch.randint(0, 2 * max_shift + 1, (2,), generator=generator) - max_shift).tolist()
    return torch.roll(img, shifts=tuple(shift), dims=(img.ndim - 2, img.ndim - 1)), shift


def unroll(img, shift):
    return torch.roll(torch.roll(img, -shift[0], dims=-2), -shift[1], dims=-1)
''',
    },
    "octave_sizes": {
        "reversed powers, int(round())": '''
def octave_sizes(size, n_octaves, scale):
    sizes = []
    for power in reversed(range(n_octaves)):
        sizes.append(tuple(int(round(s / scale ** power)) for s in size))
    return sizes
''',
        "torch.round on float64, lists": '''
def octave_sizes(size, n_octaves, scale):
    hw = torch.tensor(list(size), dtype=torch.float64)
    return [torch.round(hw / scale ** (n_octaves - 1 - k)).long().tolist() for k in range(n_octaves)]
''',
    },
    "deepdream": {
        "backward() on a leaf, F.interpolate, keyword-free calls": '''
def deepdream(model, image, layers, steps=10, lr=0.01, n_octaves=3, octave_scale=1.4, max_shift=16,
              generator=None, history=None):
    original = image.detach().unsqueeze(0)
    detail = None
    for h, w in octave_sizes(image.shape[-2:], n_octaves, octave_scale):
        base = F.interpolate(original, size=(h, w), mode="bilinear", align_corners=False, antialias=True)
        if detail is None:
            x = base.clone()
        else:
            x = torch.clamp(base + F.interpolate(detail, size=(h, w), mode="bilinear", align_corners=False,
                                                 antialias=True), 0, 1)
        for step in range(steps):
            rolled, shift = random_roll(x, max_shift, generator)
            rolled = rolled.detach().clone().requires_grad_()
            loss = dream_objective(list(model(rolled, layers).values()))
            loss.backward()
            with torch.no_grad():
                stepped = torch.clamp(rolled + lr * normalize_gradient(rolled.grad), 0.0, 1.0)
            x = unroll(stepped, shift)
            if history is not None:
                history.append(float(loss))
        detail = x - base
    return x.squeeze(0).detach()
''',
        "history as a list comprehension of steps, octaves zipped with their bases": '''
def deepdream(model, image, layers, steps=10, lr=0.01, n_octaves=3, octave_scale=1.4, max_shift=16,
              generator=None, history=None):
    sizes = octave_sizes(tuple(image.shape[1:]), n_octaves, octave_scale)
    bases = [resize(image[None], size) for size in sizes]
    x = bases[0].clamp(0, 1)
    for k, base in enumerate(bases):
        if k > 0:
            x = (base + resize(x - bases[k - 1], tuple(base.shape[-2:]))).clamp(0, 1)
        for _ in range(steps):
            rolled, (dy, dx) = random_roll(x, max_shift, generator=generator)
            with torch.enable_grad():
                rolled = rolled.requires_grad_(True)
                value = dream_objective(list(model(rolled, layers).values()))
                grad = torch.autograd.grad(value, rolled)[0]
            x = unroll((rolled + lr * normalize_gradient(grad)).clamp(0, 1).detach(), (dy, dx))
            if isinstance(history, list):
                history.append(value.item())
    return x[0]
''',
    },
    "channel_objective": {
        "select, sum / numel, range check by comparison": '''
def channel_objective(activations, channel):
    n_channels = activations.shape[1]
    if channel < 0 or channel >= n_channels:
        raise IndexError(f"no channel {channel} among {n_channels}")
    plane = activations.select(1, channel)
    return plane.sum() / plane.numel()
''',
        "per-channel means, then one of them": '''
def channel_objective(activations, channel):
    if channel not in range(activations.size(1)):
        raise IndexError(channel)
    return activations.mean(dim=(0, 2, 3))[channel]
''',
        "einsum with a one-hot weight vector": '''
def channel_objective(activations, channel):
    n, c, h, w = activations.shape
    if not 0 <= channel < c:
        raise IndexError(f"channel must be in 0..{c - 1}, got {channel}")
    weights = torch.zeros(c, dtype=activations.dtype, device=activations.device)
    weights[channel] = 1.0 / (n * h * w)
    return torch.einsum("nchw,c->", activations, weights)
''',
        "narrow keeps the channel axis": '''
def channel_objective(activations, channel):
    if not 0 <= channel < activations.shape[1]:
        raise IndexError("channel out of range")
    return torch.mean(activations.narrow(1, channel, 1))
''',
    },
}
