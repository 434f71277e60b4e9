"""Correct answers to 03's exercises written in other idioms: each must pass every graded cell of its exercise."""

ANSWERS = {
    "confusion_matrix": {
        "index_put_ with accumulate": '''
def confusion_matrix(pred, target, num_classes, ignore_index=255):
    keep = target != ignore_index
    conf = torch.zeros(num_classes, num_classes, dtype=torch.int64)
    t, p = target[keep].long(), pred[keep].long()
    conf.index_put_((t, p), torch.ones_like(t), accumulate=True)
    return conf
''',
        "one-hot matrix product": '''
def confusion_matrix(pred, target, num_classes, ignore_index=255):
    t = target.reshape(-1).long()
    p = pred.reshape(-1).long()
    keep = t != ignore_index
    t_hot = F.one_hot(t[keep], num_classes)
    p_hot = F.one_hot(p[keep], num_classes)
    return (t_hot.T.double() @ p_hot.double()).round().long()
''',
        "numpy histogram2d-free bincount, loop over classes": '''
def confusion_matrix(pred, target, num_classes, ignore_index=255):
    t = np.asarray(target).astype(np.int64).ravel()
    p = np.asarray(pred).astype(np.int64).ravel()
    keep = t != ignore_index
    rows = [np.bincount(p[keep][t[keep] == c], minlength=num_classes)[:num_classes] for c in range(num_classes)]
    return torch.from_numpy(np.stack(rows).astype(np.int64))
''',
    },
    "iou_per_class": {
        "float32 with torch.where and a clamped denominator": '''
def iou_per_class(conf):
    conf = conf.float()
    tp = torch.diag(conf)
    union = conf.sum(0) + conf.sum(1) - tp
    return torch.where(union > 0, tp / union.clamp(min=1), torch.full_like(tp, float("nan")))
''',
        "loop over classes": '''
def iou_per_class(conf):
    k = conf.shape[0]
    out = torch.empty(k, dtype=torch.float64)
    for c in range(k):
        tp = conf[c, c].item()
        union = conf[c, :].sum().item() + conf[:, c].sum().item() - tp
        out[c] = tp / union if union else float("nan")
    return out
''',
        "epsilon in the denominator, NaN put back": '''
def iou_per_class(conf):
    tp = conf.diagonal().float()
    fp = conf.sum(0).float() - tp
    fn = conf.sum(1).float() - tp
    iou = tp / (tp + fp + fn + 1e-6)
    iou[(tp + fp + fn) == 0] = float("nan")
    return iou
''',
    },
    "mean_iou": {
        "boolean mask instead of nanmean": '''
def mean_iou(conf):
    iou = iou_per_class(conf)
    defined = ~torch.isnan(iou)
    return float(iou[defined].mean()) if defined.any() else float("nan")
''',
        "self-contained numpy": '''
def mean_iou(conf):
    c = conf.numpy().astype(np.float64)
    tp = np.diag(c)
    union = c.sum(0) + c.sum(1) - tp
    if not (union > 0).any():
        return float("nan")
    return float(np.mean(tp[union > 0] / union[union > 0]))
''',
    },
    "pixel_accuracy": {
        "trace over sum in float32": '''
def pixel_accuracy(conf):
    conf = conf.float()
    return float(torch.trace(conf) / conf.sum())
''',
        "python integers": '''
def pixel_accuracy(conf):
    total = int(conf.sum())
    return int(conf.diagonal().sum()) / total if total else float("nan")
''',
    },
    "segmentation_loss": {
        "logsumexp minus the gathered score": '''
def segmentation_loss(logits, target, ignore_index=255):
    valid = target != ignore_index
    safe = target.masked_fill(~valid, 0)
    picked = logits.gather(1, safe[:, None]).squeeze(1)
    nll = torch.logsumexp(logits, dim=1) - picked
    return (nll * valid).sum() / valid.sum()
''',
        "flattened pixels, one-hot product": '''
def segmentation_loss(logits, target, ignore_index=255):
    k = logits.shape[1]
    scores = logits.permute(0, 2, 3, 1).reshape(-1, k)
    labels = target.reshape(-1)
    keep = labels != ignore_index
    log_probs = F.log_softmax(scores[keep], dim=1)
    return -(log_probs * F.one_hot(labels[keep], k).to(log_probs.dtype)).sum(1).mean()
''',
        "torch.where with a clone, sum over count": '''
def segmentation_loss(logits, target, ignore_index=255):
    valid = (target != ignore_index)
    safe_target = target.clone()
    safe_target[~valid] = 0
    log_probs = torch.log_softmax(logits, 1)
    nll = -torch.gather(log_probs, 1, safe_target.unsqueeze(1))[:, 0]
    return torch.where(valid, nll, torch.zeros_like(nll)).sum() / valid.sum().to(logits.dtype)
''',
    },
    "joint_transform": {
        "functional v2 calls with torch's generator": '''
def make_joint_transform(crop_size, min_size, max_size):
    def joint_transform(image, mask):
        image = v2.functional.to_image(image)
        mask = tv_tensors.Mask(torch.as_tensor(np.array(mask), dtype=torch.int64))
        size = int(torch.randint(min_size, max_size, ()))
        image = v2.functional.resize(image, size, antialias=True)
        mask = v2.functional.resize(mask, size, interpolation=v2.InterpolationMode.NEAREST)
        if torch.rand(()) < 0.5:
            image, mask = v2.functional.horizontal_flip(image), v2.functional.horizontal_flip(mask)
        h, w = image.shape[-2:]
        pad_h, pad_w = max(crop_size - h, 0), max(crop_size - w, 0)
        image = v2.functional.pad(image, [0, 0, pad_w, pad_h], fill=0)
        mask = v2.functional.pad(mask, [0, 0, pad_w, pad_h], fill=255)
        h, w = image.shape[-2:]
        top = int(torch.randint(0, h - crop_size + 1, ()))
        left = int(torch.randint(0, w - crop_size + 1, ()))
        image = image[..., top:top + crop_size, left:left + crop_size]
        mask = mask[top:top + crop_size, left:left + crop_size]
        return v2.functional.to_dtype(image, torch.float32, scale=True), mask.as_subclass(torch.Tensor).long()
    return joint_transform
''',
        "flip first, plain tensors out": '''
def make_joint_transform(crop_size, min_size, max_size):
    augment = v2.Compose([
        v2.RandomHorizontalFlip(p=0.5),
        v2.RandomResize(min_size=min_size, max_size=max_size),
        v2.RandomCrop(size=(crop_size, crop_size), pad_if_needed=True, fill={tv_tensors.Image: 0, tv_tensors.Mask: 255}),
        v2.ToDtype({tv_tensors.Image: torch.float32, tv_tensors.Mask: torch.int64}, scale=True),
        v2.ToPureTensor(),
    ])

    def joint_transform(image, mask):
        return augment(tv_tensors.Image(v2.functional.pil_to_tensor(image)),
                       tv_tensors.Mask(torch.from_numpy(np.array(mask))))
    return joint_transform
''',
    },
    "fuse_fcn8s": {
        "nn.Upsample in a loop": '''
def fuse_fcn8s(score32, score16, score8):
    up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
    fused = score32
    for finer in (score16, score8):
        fused = match_size(up(fused), finer.shape[-2:]) + finer
    return fused
''',
        "interpolate to twice the size, then an out-of-place add": '''
def fuse_fcn8s(score32, score16, score8):
    def up2(x):
        return F.interpolate(x, size=(2 * x.shape[-2], 2 * x.shape[-1]), mode="bilinear", align_corners=False)
    s16 = torch.add(score16, match_size(up2(score32), score16.shape[-2:]))
    return torch.add(score8, match_size(up2(s16), score8.shape[-2:]))
''',
    },
    "UpBlock": {
        "named layers registered in another order, F.relu, biased convs": '''
class UpBlock(nn.Module):
    def __init__(self, in_channels, skip_channels, out_channels):
        super().__init__()
        self.norm2 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        self.norm1 = nn.BatchNorm2d(out_channels)
        self.conv1 = nn.Conv2d(in_channels + skip_channels, out_channels, kernel_size=3, padding=1)

    def forward(self, x, skip):
        x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
        x = match_size(x, skip.shape[-2:])
        h = F.relu(self.norm1(self.conv1(torch.cat([x, skip], dim=1))))
        return F.relu(self.norm2(self.conv2(h)))
''',
        "nn.Upsample module, ModuleList, size matched by hand": '''
class UpBlock(nn.Module):
    def __init__(self, in_channels, skip_channels, out_channels):
        super().__init__()
        self.up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
        self.layers = nn.ModuleList([
            nn.Conv2d(in_channels + skip_channels, out_channels, 3, padding=1, bias=False),
            nn.BatchNorm2d(out_channels), nn.ReLU(),
            nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False),
            nn.BatchNorm2d(out_channels), nn.ReLU()])

    def forward(self, x, skip):
        x = self.up(x)
        x = x[..., :skip.shape[-2], :skip.shape[-1]]
        while x.shape[-2] < skip.shape[-2]:
            x = torch.cat([x, x[..., -1:, :]], dim=-2)
        while x.shape[-1] < skip.shape[-1]:
            x = torch.cat([x, x[..., -1:]], dim=-1)
        h = torch.cat((x, skip), 1)
        for layer in self.layers:
            h = layer(h)
        return h
''',
        "nested blocks wrapped in a helper module, BN without affine": '''
class _ConvBNReLU(nn.Sequential):
    def __init__(self, cin, cout):
        super().__init__(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout, affine=False),
                         nn.ReLU(inplace=True))


class UpBlock(nn.Module):
    def __init__(self, in_channels, skip_channels, out_channels):
        super().__init__()
        self.first = _ConvBNReLU(in_channels + skip_channels, out_channels)
        self.second = _ConvBNReLU(out_channels, out_channels)

    def forward(self, x, skip):
        x = match_size(F.interpolate(x, scale_factor=2.0, mode="bilinear"), skip.shape[-2:])
        return self.second(self.first(torch.cat([x, skip], 1)))
''',
    },
}
