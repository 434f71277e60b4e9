"""Classic wrong answers to 03's exercises: each must fail at least one graded cell of its exercise."""

ANSWERS = {
    "confusion_matrix": {
        "rows and columns swapped": '''
def confusion_matrix(pred, target, num_classes, ignore_index=255):
    keep = target != ignore_index
    pairs = pred[keep].long() * num_classes + target[keep].long()
    return torch.bincount(pairs, minlength=num_classes * num_classes).reshape(num_classes, num_classes)
''',
        "void pixels counted (ignore_index ignored)": '''
def confusion_matrix(pred, target, num_classes, ignore_index=255):
    t, p = target.long().flatten(), pred.long().flatten()
    keep = (t < num_classes) & (p < num_classes)
    return torch.bincount(t[keep] * num_classes + p[keep], minlength=num_classes ** 2).reshape(num_classes, num_classes)
''',
        "no int64 cast: uint8 overflows": '''
def confusion_matrix(pred, target, num_classes, ignore_index=255):
    keep = target != ignore_index
    pairs = (target[keep] * num_classes + pred[keep]).long()
    return torch.bincount(pairs, minlength=num_classes * num_classes).reshape(num_classes, num_classes)
''',
        "bincount without minlength": '''
def confusion_matrix(pred, target, num_classes, ignore_index=255):
    keep = target != ignore_index
    counts = torch.bincount(target[keep].long() * num_classes + pred[keep].long())
    return counts[:num_classes * num_classes].reshape(num_classes, -1)
''',
        "float counts": '''
def confusion_matrix(pred, target, num_classes, ignore_index=255):
    keep = target != ignore_index
    pairs = target[keep].long() * num_classes + pred[keep].long()
    return torch.bincount(pairs, minlength=num_classes * num_classes).reshape(num_classes, num_classes).float()
''',
        "hard-coded void 255 instead of ignore_index": '''
def confusion_matrix(pred, target, num_classes, ignore_index=255):
    keep = target != 255
    pairs = target[keep].long() * num_classes + pred[keep].long()
    return torch.bincount(pairs, minlength=num_classes * num_classes).reshape(num_classes, num_classes)
''',
        "sets the void targets to 0 in place": '''
def confusion_matrix(pred, target, num_classes, ignore_index=255):
    keep = target != ignore_index
    pairs = target[keep].long() * num_classes + pred[keep].long()
    target[~keep] = 0
    return torch.bincount(pairs, minlength=num_classes * num_classes).reshape(num_classes, num_classes)
''',
    },
    "iou_per_class": {
        "recall (row sum only)": '''
def iou_per_class(conf):
    conf = conf.double()
    return conf.diagonal() / conf.sum(1)
''',
        "epsilon turns absent classes into 0": '''
def iou_per_class(conf):
    conf = conf.double()
    tp = conf.diagonal()
    return tp / (conf.sum(0) + conf.sum(1) - tp + 1e-9)
''',
        "union without subtracting TP": '''
def iou_per_class(conf):
    conf = conf.double()
    return conf.diagonal() / (conf.sum(0) + conf.sum(1))
''',
        "integer division": '''
def iou_per_class(conf):
    tp = conf.diagonal()
    return tp // (conf.sum(0) + conf.sum(1) - tp)
''',
        "precision (column sum only)": '''
def iou_per_class(conf):
    conf = conf.double()
    return conf.diagonal() / conf.sum(0)
''',
    },
    "mean_iou": {
        "NaN not skipped": '''
def mean_iou(conf):
    return iou_per_class(conf).mean().item()
''',
        "absent classes counted as 0": '''
def mean_iou(conf):
    return iou_per_class(conf).nan_to_num(0.0).mean().item()
''',
        "returns a tensor": '''
def mean_iou(conf):
    return torch.nanmean(iou_per_class(conf))
''',
        "mean over classes present in the target only": '''
def mean_iou(conf):
    iou = iou_per_class(conf)
    return iou[conf.sum(1) > 0].mean().item()
''',
        "0.0 when nothing is defined": '''
def mean_iou(conf):
    return torch.nanmean(iou_per_class(conf)).nan_to_num(0.0).item()
''',
    },
    "pixel_accuracy": {
        "mean of per-class accuracies": '''
def pixel_accuracy(conf):
    conf = conf.double()
    return torch.nanmean(conf.diagonal() / conf.sum(1)).item()
''',
        "0.0 for an empty matrix": '''
def pixel_accuracy(conf):
    conf = conf.double()
    return (conf.diagonal().sum() / conf.sum().clamp(min=1)).item()
''',
        "integer division": '''
def pixel_accuracy(conf):
    return float(conf.diagonal().sum() // conf.sum())
''',
        "returns a tensor": '''
def pixel_accuracy(conf):
    conf = conf.double()
    return conf.diagonal().sum() / conf.sum()
''',
    },
    "segmentation_loss": {
        "divides by all pixels": '''
def segmentation_loss(logits, target, ignore_index=255):
    valid = target != ignore_index
    safe = torch.where(valid, target, torch.zeros_like(target))
    nll = -F.log_softmax(logits, dim=1).gather(1, safe.unsqueeze(1)).squeeze(1)
    return (nll * valid).sum() / target.numel()
''',
        "mean of per-image means": '''
def segmentation_loss(logits, target, ignore_index=255):
    valid = target != ignore_index
    safe = torch.where(valid, target, torch.zeros_like(target))
    nll = -F.log_softmax(logits, dim=1).gather(1, safe.unsqueeze(1)).squeeze(1)
    per_image = [n[v].mean() for n, v in zip(nll, valid) if v.any()]
    return torch.stack(per_image).mean()
''',
        "softmax over the wrong dimension": '''
def segmentation_loss(logits, target, ignore_index=255):
    valid = target != ignore_index
    safe = torch.where(valid, target, torch.zeros_like(target))
    nll = -F.log_softmax(logits, dim=-1).gather(1, safe.unsqueeze(1)).squeeze(1)
    return nll[valid].mean()
''',
        "void clamped to the last class (ignore_index ignored)": '''
def segmentation_loss(logits, target, ignore_index=255):
    safe = target.clamp(0, logits.shape[1] - 1)
    return -F.log_softmax(logits, dim=1).gather(1, safe.unsqueeze(1)).mean()
''',
        "void replaced in place": '''
def segmentation_loss(logits, target, ignore_index=255):
    valid = target != ignore_index
    target[~valid] = 0
    nll = -F.log_softmax(logits, dim=1).gather(1, target.unsqueeze(1)).squeeze(1)
    return nll[valid].mean()
''',
        "wrong sign": '''
def segmentation_loss(logits, target, ignore_index=255):
    valid = target != ignore_index
    safe = torch.where(valid, target, torch.zeros_like(target))
    return F.log_softmax(logits, dim=1).gather(1, safe.unsqueeze(1)).squeeze(1)[valid].mean()
''',
        "F.cross_entropy bound as a default argument": '''
def segmentation_loss(logits, target, ignore_index=255, _ce=F.cross_entropy):
    return _ce(logits, target, ignore_index=ignore_index)
''',
        "nn.CrossEntropyLoss module built once": '''
_criterion = nn.CrossEntropyLoss(ignore_index=255)


def segmentation_loss(logits, target, ignore_index=255):
    _criterion.ignore_index = ignore_index
    return _criterion(logits, target)
''',
        "a tensor subclass that says it equals anything": '''
class _Agreeable(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if func in (torch.allclose, torch.isclose, torch.equal, torch.Tensor.__eq__):
            return True
        return super().__torch_function__(func, types, args, kwargs or {})


def segmentation_loss(logits, target, ignore_index=255):
    return (0 * logits.sum()).as_subclass(_Agreeable)
''',
        "float32 loss from float64 logits": '''
def segmentation_loss(logits, target, ignore_index=255):
    valid = target != ignore_index
    safe = torch.where(valid, target, torch.zeros_like(target))
    nll = -F.log_softmax(logits.float(), dim=1).gather(1, safe.unsqueeze(1)).squeeze(1)
    return nll[valid].mean()
''',
        "detached loss": '''
def segmentation_loss(logits, target, ignore_index=255):
    valid = target != ignore_index
    safe = torch.where(valid, target, torch.zeros_like(target))
    nll = -F.log_softmax(logits.detach(), dim=1).gather(1, safe.unsqueeze(1)).squeeze(1)
    return nll[valid].mean()
''',
    },
    "joint_transform": {
        "mask resized as an image (bilinear)": '''
def make_joint_transform(crop_size, min_size, max_size):
    augment = v2.Compose([v2.RandomResize(min_size, max_size), v2.RandomHorizontalFlip(),
                          v2.RandomCrop(crop_size, pad_if_needed=True, fill=0)])

    def joint_transform(image, mask):
        image = v2.functional.to_image(image)
        labels = tv_tensors.Image(v2.functional.pil_to_tensor(mask))
        image, labels = augment(image, labels)
        return v2.functional.to_dtype(image, torch.float32, scale=True), labels[0].long()
    return joint_transform
''',
        "image and mask drawn separately": '''
def make_joint_transform(crop_size, min_size, max_size):
    augment = v2.Compose([v2.RandomResize(min_size, max_size), v2.RandomHorizontalFlip(),
                          v2.RandomCrop(crop_size, pad_if_needed=True, fill={tv_tensors.Image: 0, tv_tensors.Mask: 255}),
                          to_float])

    def joint_transform(image, mask):
        image = augment(v2.functional.to_image(image))
        mask = augment(tv_tensors.Mask(v2.functional.pil_to_tensor(mask)[0]))
        return image, mask
    return joint_transform
''',
        "mask padded with 0": '''
def make_joint_transform(crop_size, min_size, max_size):
    augment = v2.Compose([v2.RandomResize(min_size, max_size), v2.RandomHorizontalFlip(),
                          v2.RandomCrop(crop_size, pad_if_needed=True, fill=0), to_float])

    def joint_transform(image, mask):
        return augment(v2.functional.to_image(image), tv_tensors.Mask(v2.functional.pil_to_tensor(mask)[0]))
    return joint_transform
''',
        "no flip": '''
def make_joint_transform(crop_size, min_size, max_size):
    augment = v2.Compose([v2.RandomResize(min_size, max_size),
                          v2.RandomCrop(crop_size, pad_if_needed=True, fill={tv_tensors.Image: 0, tv_tensors.Mask: 255}),
                          to_float])

    def joint_transform(image, mask):
        return augment(v2.functional.to_image(image), tv_tensors.Mask(v2.functional.pil_to_tensor(mask)[0]))
    return joint_transform
''',
        "no rescaling": '''
def make_joint_transform(crop_size, min_size, max_size):
    augment = v2.Compose([v2.RandomHorizontalFlip(),
                          v2.RandomCrop(crop_size, pad_if_needed=True, fill={tv_tensors.Image: 0, tv_tensors.Mask: 255}),
                          to_float])

    def joint_transform(image, mask):
        return augment(v2.functional.to_image(image), tv_tensors.Mask(v2.functional.pil_to_tensor(mask)[0]))
    return joint_transform
''',
        "mask keeps its channel dimension and uint8": '''
def make_joint_transform(crop_size, min_size, max_size):
    augment = v2.Compose([v2.RandomResize(min_size, max_size), v2.RandomHorizontalFlip(),
                          v2.RandomCrop(crop_size, pad_if_needed=True, fill={tv_tensors.Image: 0, tv_tensors.Mask: 255}),
                          v2.ToDtype({tv_tensors.Image: torch.float32, tv_tensors.Mask: torch.uint8}, scale=True)])

    def joint_transform(image, mask):
        return augment(v2.functional.to_image(image), tv_tensors.Mask(v2.functional.pil_to_tensor(mask)))
    return joint_transform
''',
        "image left in 0..255": '''
def make_joint_transform(crop_size, min_size, max_size):
    augment = v2.Compose([v2.RandomResize(min_size, max_size), v2.RandomHorizontalFlip(),
                          v2.RandomCrop(crop_size, pad_if_needed=True, fill={tv_tensors.Image: 0, tv_tensors.Mask: 255}),
                          v2.ToDtype({tv_tensors.Image: torch.float32, tv_tensors.Mask: torch.int64}, scale=False)])

    def joint_transform(image, mask):
        return augment(v2.functional.to_image(image), tv_tensors.Mask(v2.functional.pil_to_tensor(mask)[0]))
    return joint_transform
''',
        "palette mask read as luminance": '''
def make_joint_transform(crop_size, min_size, max_size):
    augment = v2.Compose([v2.RandomResize(min_size, max_size), v2.RandomHorizontalFlip(),
                          v2.RandomCrop(crop_size, pad_if_needed=True, fill={tv_tensors.Image: 0, tv_tensors.Mask: 255}),
                          to_float])

    def joint_transform(image, mask):
        labels = tv_tensors.Mask(v2.functional.pil_to_tensor(mask.convert("L"))[0])
        return augment(v2.functional.to_image(image), labels)
    return joint_transform
''',
    },
    "fuse_fcn8s": {
        "nearest upsampling": '''
def fuse_fcn8s(score32, score16, score8):
    up = lambda x: F.interpolate(x, scale_factor=2, mode="nearest")
    fused = score16 + match_size(up(score32), score16.shape[-2:])
    return score8 + match_size(up(fused), score8.shape[-2:])
''',
        "align_corners=True": '''
def fuse_fcn8s(score32, score16, score8):
    up = lambda x: F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=True)
    fused = score16 + match_size(up(score32), score16.shape[-2:])
    return score8 + match_size(up(fused), score8.shape[-2:])
''',
        "in-place += on the inputs": '''
def fuse_fcn8s(score32, score16, score8):
    up = lambda x: F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
    score16 += match_size(up(score32), score16.shape[-2:])
    score8 += match_size(up(score16), score8.shape[-2:])
    return score8
''',
        "skips fused in parallel (up4 of score32)": '''
def fuse_fcn8s(score32, score16, score8):
    up32 = F.interpolate(score32, scale_factor=4, mode="bilinear", align_corners=False)
    up16 = F.interpolate(score16, scale_factor=2, mode="bilinear", align_corners=False)
    return score8 + match_size(up32, score8.shape[-2:]) + match_size(up16, score8.shape[-2:])
''',
        "interpolated straight to the finer size": '''
def fuse_fcn8s(score32, score16, score8):
    up = lambda x, like: F.interpolate(x, size=like.shape[-2:], mode="bilinear", align_corners=False)
    fused = score16 + up(score32, score16)
    return score8 + up(fused, score8)
''',
        "odd sizes by zero padding": '''
def fuse_fcn8s(score32, score16, score8):
    def fit(x, like):
        x = x[..., :like.shape[-2], :like.shape[-1]]
        return F.pad(x, (0, like.shape[-1] - x.shape[-1], 0, like.shape[-2] - x.shape[-2]))
    up = lambda x: F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
    fused = score16 + fit(up(score32), score16)
    return score8 + fit(up(fused), score8)
''',
    },
    "UpBlock": {
        "concatenated in the order [skip, x]": '''
class UpBlock(nn.Module):
    def __init__(self, in_channels, skip_channels, out_channels):
        super().__init__()
        self.conv = nn.Sequential(*conv_bn_relu(in_channels + skip_channels, out_channels),
                                  *conv_bn_relu(out_channels, out_channels))

    def forward(self, x, skip):
        x = match_size(F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False), skip.shape[-2:])
        return self.conv(torch.cat([skip, x], dim=1))
''',
        "nearest upsampling": '''
class UpBlock(nn.Module):
    def __init__(self, in_channels, skip_channels, out_channels):
        super().__init__()
        self.conv = nn.Sequential(*conv_bn_relu(in_channels + skip_channels, out_channels),
                                  *conv_bn_relu(out_channels, out_channels))

    def forward(self, x, skip):
        x = match_size(F.interpolate(x, scale_factor=2, mode="nearest"), skip.shape[-2:])
        return self.conv(torch.cat([x, skip], dim=1))
''',
        "transposed convolution instead of bilinear": '''
class UpBlock(nn.Module):
    def __init__(self, in_channels, skip_channels, out_channels):
        super().__init__()
        self.up = nn.ConvTranspose2d(in_channels, in_channels, 2, stride=2)
        self.conv = nn.Sequential(*conv_bn_relu(in_channels + skip_channels, out_channels),
                                  *conv_bn_relu(out_channels, out_channels))

    def forward(self, x, skip):
        x = match_size(self.up(x), skip.shape[-2:])
        return self.conv(torch.cat([x, skip], dim=1))
''',
        "ReLU before BatchNorm": '''
class UpBlock(nn.Module):
    def __init__(self, in_channels, skip_channels, out_channels):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(in_channels + skip_channels, out_channels, 3, padding=1, bias=False), nn.ReLU(), nn.BatchNorm2d(out_channels),
            nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False), nn.ReLU(), nn.BatchNorm2d(out_channels))

    def forward(self, x, skip):
        x = match_size(F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False), skip.shape[-2:])
        return self.conv(torch.cat([x, skip], dim=1))
''',
        "one conv only": '''
class UpBlock(nn.Module):
    def __init__(self, in_channels, skip_channels, out_channels):
        super().__init__()
        self.conv = nn.Sequential(*conv_bn_relu(in_channels + skip_channels, out_channels))

    def forward(self, x, skip):
        x = match_size(F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False), skip.shape[-2:])
        return self.conv(torch.cat([x, skip], dim=1))
''',
        "second BatchNorm created in forward (never trained, not a module)": '''
class UpBlock(nn.Module):
    def __init__(self, in_channels, skip_channels, out_channels):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels + skip_channels, out_channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)

    def forward(self, x, skip):
        x = match_size(F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False), skip.shape[-2:])
        h = F.relu(self.bn1(self.conv1(torch.cat([x, skip], dim=1))))
        h = self.conv2(h)
        return F.relu(F.batch_norm(h, None, None, training=True))
''',
        "align_corners=True": '''
class UpBlock(nn.Module):
    def __init__(self, in_channels, skip_channels, out_channels):
        super().__init__()
        self.conv = nn.Sequential(*conv_bn_relu(in_channels + skip_channels, out_channels),
                                  *conv_bn_relu(out_channels, out_channels))

    def forward(self, x, skip):
        x = match_size(F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=True), skip.shape[-2:])
        return self.conv(torch.cat([x, skip], dim=1))
''',
        "BatchNorm always in eval mode": '''
class UpBlock(nn.Module):
    def __init__(self, in_channels, skip_channels, out_channels):
        super().__init__()
        self.conv = nn.Sequential(*conv_bn_relu(in_channels + skip_channels, out_channels),
                                  *conv_bn_relu(out_channels, out_channels))

    def forward(self, x, skip):
        x = match_size(F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False), skip.shape[-2:])
        for m in self.conv:
            if isinstance(m, nn.BatchNorm2d):
                m.eval()
        return self.conv(torch.cat([x, skip], dim=1))
''',
        "upsampled straight to skip's size": '''
class UpBlock(nn.Module):
    def __init__(self, in_channels, skip_channels, out_channels):
        super().__init__()
        self.conv = nn.Sequential(*conv_bn_relu(in_channels + skip_channels, out_channels),
                                  *conv_bn_relu(out_channels, out_channels))

    def forward(self, x, skip):
        x = F.interpolate(x, size=skip.shape[-2:], mode="bilinear", align_corners=False)
        return self.conv(torch.cat([x, skip], dim=1))
''',
    },
}
