"""Correct answers to 06's exercises written in other idioms: each must pass every graded cell of its exercise."""

ANSWERS = {
    "content_loss": {
        "sum over the element count": '''
def content_loss(generated, target):
    return ((generated - target) ** 2).sum() / generated.numel()
''',
        "torch.mean of torch.square": '''
def content_loss(generated, target):
    return torch.mean(torch.square(generated - target))
''',
        "dot product of the flattened difference": '''
def content_loss(generated, target):
    diff = (generated - target).flatten()
    return diff.dot(diff) / diff.numel()
''',
    },
    "gram_matrix": {
        "einsum": '''
def gram_matrix(features):
    n, c, h, w = features.shape
    return torch.einsum("nchw,ndhw->ncd", features, features) / (c * h * w)
''',
        "view and bmm": '''
def gram_matrix(features):
    n, c, h, w = features.shape
    flat = features.view(n, c, h * w)
    return torch.bmm(flat, flat.transpose(1, 2)) / (c * h * w)
''',
        "a loop over the images": '''
def gram_matrix(features):
    c, h, w = features.shape[1:]
    return torch.stack([image.flatten(1) @ image.flatten(1).T for image in features]) / (c * h * w)
''',
        "rows of positions, Rᵀ·R": '''
def gram_matrix(features):
    n, c, h, w = features.shape
    rows = features.permute(0, 2, 3, 1).reshape(n, h * w, c)
    return rows.transpose(1, 2) @ rows / features[0].numel()
''',
    },
    "style_loss": {
        "F.mse_loss per layer, summed by sum()": '''
def style_loss(generated_features, target_grams, layer_weights):
    return sum(weight * F.mse_loss(gram_matrix(generated_features[layer]), target_grams[layer])
               for layer, weight in layer_weights.items())
''',
        "stacked terms, squared sums over numel, keyword calls": '''
def style_loss(generated_features, target_grams, layer_weights):
    terms = []
    for layer in layer_weights:
        diff = gram_matrix(features=generated_features[layer]) - target_grams[layer]
        terms.append(layer_weights[layer] * (diff * diff).sum() / diff.numel())
    return torch.stack(terms).sum()
''',
        "its own Gram matrix inline": '''
def style_loss(generated_features, target_grams, layer_weights):
    total = torch.zeros(())
    for layer, weight in layer_weights.items():
        f = generated_features[layer]
        n, c, h, w = f.shape
        g = torch.einsum("nchw,ndhw->ncd", f, f) / (c * h * w)
        total = total + weight * ((g - target_grams[layer]) ** 2).mean()
    return total
''',
    },
    "total_variation_loss": {
        "torch.diff": '''
def total_variation_loss(img):
    return torch.diff(img, dim=-2).abs().mean() + torch.diff(img, dim=-1).abs().mean()
''',
        "F.l1_loss of shifted copies": '''
def total_variation_loss(img):
    return (F.l1_loss(img[..., 1:, :], img[..., :-1, :])
            + F.l1_loss(img[..., :, 1:], img[..., :, :-1]))
''',
        "sums over counts": '''
def total_variation_loss(img):
    h, w = img.shape[-2:]
    planes = img.numel() // (h * w)
    vertical = (img[..., 1:, :] - img[..., :-1, :]).abs().sum() / (planes * (h - 1) * w)
    horizontal = (img[..., :, 1:] - img[..., :, :-1]).abs().sum() / (planes * h * (w - 1))
    return vertical + horizontal
''',
    },
    "stylize": {
        "Adam without a closure, L-BFGS with one": '''
def stylize(model, content, style, *, content_layer="relu4_2", layer_weights=STYLE_LAYERS, content_weight=1.0,
            style_weight=1.0, tv_weight=0.0, init="content", optimizer="lbfgs", steps=30, lr=None):
    with torch.no_grad():
        target = model(content.unsqueeze(0), [content_layer])[content_layer]
    if isinstance(init, str):
        start = torch.rand_like(content) if init == "noise" else content
    else:
        start = init
    image = start.clone().unsqueeze(0).requires_grad_()

    def total_loss():
        feats = model(image, [content_layer] + list(layer_weights))
        s = style(feats) if callable(style) else style_loss(feats, style, layer_weights)
        return (content_weight * content_loss(feats[content_layer], target) + style_weight * s
                + tv_weight * total_variation_loss(image))

    losses = []
    if optimizer == "adam":
        opt = torch.optim.Adam([image], lr=0.05 if lr is None else lr)
        for _ in range(steps):
            opt.zero_grad(set_to_none=True)
            loss = total_loss()
            loss.backward()
            opt.step()
            losses.append(loss.item())
            with torch.no_grad():
                image.clamp_(0, 1)
    else:
        opt = torch.optim.LBFGS([image], lr=1.0 if lr is None else lr, max_iter=1)

        def closure():
            opt.zero_grad()
            loss = total_loss()
            loss.backward()
            return loss

        for _ in range(steps):
            losses.append(float(opt.step(closure)))
            with torch.no_grad():
                image.clamp_(0, 1)
    return image.detach().squeeze(0), losses
''',
        "a (3, H, W) leaf fed as image[None], clamped through .data": '''
def stylize(model, content, style, *, content_layer="relu4_2", layer_weights=STYLE_LAYERS, content_weight=1.0,
            style_weight=1.0, tv_weight=0.0, init="content", optimizer="lbfgs", steps=30, lr=None):
    with torch.no_grad():
        target = model(content[None], [content_layer])[content_layer].clone()
    if isinstance(init, torch.Tensor):
        image = init.detach().clone()
    elif init == "noise":
        image = torch.rand_like(content)
    else:
        image = content.detach().clone()
    image.requires_grad_(True)
    if optimizer == "lbfgs":
        opt = torch.optim.LBFGS([image], lr=lr or 1.0, max_iter=1)
    else:
        opt = torch.optim.Adam([image], lr=lr or 0.05)
    layers = [content_layer, *layer_weights.keys()]

    def closure():
        opt.zero_grad()
        feats = model(image[None], layers)
        style_term = style(feats) if callable(style) else style_loss(feats, style, layer_weights)
        loss = content_weight * content_loss(feats[content_layer], target) + style_weight * style_term
        if tv_weight:
            loss = loss + tv_weight * total_variation_loss(image)
        loss.backward()
        return loss

    losses = []
    for _ in range(steps):
        losses.append(opt.step(closure).item())
        image.data.clamp_(0, 1)
    return image.detach().clone(), losses
''',
        "losses called by keyword, the style term a functools.partial": '''
import functools


def stylize(model, content, style, *, content_layer="relu4_2", layer_weights=STYLE_LAYERS, content_weight=1.0,
            style_weight=1.0, tv_weight=0.0, init="content", optimizer="lbfgs", steps=30, lr=None):
    with torch.no_grad():
        target = model(content[None], [content_layer])[content_layer]
    if callable(style):
        style_term = style
    else:
        style_term = functools.partial(style_loss, target_grams=style, layer_weights=layer_weights)
    first = {"content": lambda: content, "noise": lambda: torch.rand_like(content)}[init]() if isinstance(init, str) else init
    image = first.clone()[None].requires_grad_(True)
    make = {"lbfgs": lambda: torch.optim.LBFGS([image], lr=1.0 if lr is None else lr, max_iter=1),
            "adam": lambda: torch.optim.Adam([image], lr=0.05 if lr is None else lr)}
    opt = make[optimizer]()

    def closure():
        opt.zero_grad(set_to_none=True)
        feats = model(image, [content_layer, *layer_weights])
        loss = (content_weight * content_loss(generated=feats[content_layer], target=target)
                + style_weight * style_term(feats) + tv_weight * total_variation_loss(img=image))
        loss.backward()
        return loss

    losses = []
    for _ in range(steps):
        losses.append(opt.step(closure).item())
        with torch.no_grad():
            image.copy_(image.clamp(0, 1))
    return image.detach()[0], losses
''',
    },
    "masked_gram_matrix": {
        "a loop over the images": '''
def masked_gram_matrix(features, mask):
    n, c, h, w = features.shape
    m = F.interpolate(mask.to(features.dtype), size=(h, w), mode="bilinear", align_corners=False)
    grams = []
    for b in range(n):
        fm = (features[b] * m[b]).reshape(c, -1)
        grams.append(fm @ fm.T / (c * m[b].sum().clamp_min(1e-12)))
    return torch.stack(grams)
''',
        "the plain gram_matrix of the masked features, rescaled by H·W / area": '''
def masked_gram_matrix(features, mask):
    n, c, h, w = features.shape
    m = F.interpolate(mask, size=(h, w), mode="bilinear")
    area = m.sum(dim=(1, 2, 3)).view(n, 1, 1)
    return gram_matrix(features * m) * (h * w) / area.clamp_min(1e-12)
''',
        "antialias=True and an epsilon in the denominator": '''
def masked_gram_matrix(features, mask):
    n, c, h, w = features.shape
    m = F.interpolate(mask.to(features.dtype), size=(h, w), mode="bilinear", antialias=True)
    fm = (features * m).flatten(2)
    area = m.flatten(1).sum(1)[:, None, None]
    return torch.bmm(fm, fm.transpose(1, 2)) / (c * area + 1e-8)
''',
        "align_corners=True, einsum, a safe denominator": '''
def masked_gram_matrix(features, mask):
    n, c, h, w = features.shape
    m = F.interpolate(mask.double(), size=(h, w), mode="bilinear", align_corners=True).to(features.dtype)
    fm = features * m
    area = m.sum(dim=(1, 2, 3))
    safe = torch.where(area > 0, area, torch.ones_like(area))
    return torch.einsum("nchw,ndhw->ncd", fm, fm) / (c * safe)[:, None, None]
''',
    },
}
