"""Correct answers to 05's exercises written in other idioms: each must pass every graded cell of its exercise."""

ANSWERS = {
    "sliding_window_count": {
        "positions enumerated one by one": '''
def sliding_window_count(height, width, window_sizes, aspect_ratios, stride):
    total = 0
    for s in window_sizes:
        for a in aspect_ratios:
            w, h = s * a ** 0.5, s / a ** 0.5
            xs = [x for x in range(0, width + 1, stride) if x + w <= width]
            ys = [y for y in range(0, height + 1, stride) if y + h <= height]
            total += len(xs) * len(ys)
    return total
''',
        "NumPy over a (sizes x ratios) grid": '''
def sliding_window_count(height, width, window_sizes, aspect_ratios, stride):
    s = np.asarray(window_sizes, dtype=np.float64)[:, None]
    a = np.asarray(aspect_ratios, dtype=np.float64)[None, :]
    w, h = s * np.sqrt(a), s / np.sqrt(a)
    nx = np.where(w <= width, np.floor((width - w) / stride) + 1, 0)
    ny = np.where(h <= height, np.floor((height - h) / stride) + 1, 0)
    return int((nx * ny).sum())
''',
    },
    "colour_similarity": {
        "min as (a + b - |a - b|) / 2, epsilon in the denominator": '''
def colour_similarity(hist1, hist2):
    a = hist1 / (hist1.sum(-1, keepdim=True) + 1e-12)
    b = hist2 / (hist2.sum(-1, keepdim=True) + 1e-12)
    return ((a + b - (a - b).abs()) / 2).sum(-1)
''',
        "F.normalize with p=1": '''
def colour_similarity(hist1, hist2):
    return torch.minimum(F.normalize(hist1, p=1, dim=-1), F.normalize(hist2, p=1, dim=-1)).sum(-1)
''',
    },
    "size_similarity": {
        "the image's remaining share": '''
def size_similarity(size1, size2, image_size):
    return (image_size - size1 - size2) / image_size
''',
        "computed in float64 tensors": '''
def size_similarity(size1, size2, image_size):
    total = torch.as_tensor(size1, dtype=torch.float64) + torch.as_tensor(size2, dtype=torch.float64)
    return 1.0 - total / float(image_size)
''',
    },
    "fill_similarity": {
        "corners as pairs, area as a product": '''
def fill_similarity(bbox1, bbox2, size1, size2, image_size):
    top_left = torch.minimum(bbox1[..., :2], bbox2[..., :2])
    bottom_right = torch.maximum(bbox1[..., 2:], bbox2[..., 2:])
    area = (bottom_right - top_left).prod(-1)
    return 1 - (area - size1 - size2) / image_size
''',
        "torch.where instead of minimum/maximum": '''
def fill_similarity(bbox1, bbox2, size1, size2, image_size):
    bbox1, bbox2 = torch.broadcast_tensors(bbox1, bbox2)
    lo = torch.where(bbox1[..., :2] < bbox2[..., :2], bbox1[..., :2], bbox2[..., :2])
    hi = torch.where(bbox1[..., 2:] > bbox2[..., 2:], bbox1[..., 2:], bbox2[..., 2:])
    empty = (hi[..., 0] - lo[..., 0]) * (hi[..., 1] - lo[..., 1]) - size1 - size2
    return 1.0 - empty / float(image_size)
''',
    },
    "selective_search": {
        "NumPy regions recomputed from the pixels, every pair rescanned, float32": '''
def selective_search(image, scale=100, sigma=0.8, min_size=20):
    pixels = image.permute(1, 2, 0).numpy()
    labels = felzenszwalb(pixels, scale=scale, sigma=sigma, min_size=min_size)
    height, width = labels.shape
    bins = np.minimum((pixels * 25).astype(np.int64), 24)

    def region(members):
        mask = np.isin(labels, members)
        ys, xs = np.nonzero(mask)
        hist = np.concatenate([np.bincount(bins[..., c][mask], minlength=25) for c in range(3)]).astype(np.float32)
        return dict(members=members, size=np.float32(mask.sum()), hist=hist,
                    box=np.array([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1], dtype=np.float32))

    regions = [region([r]) for r in range(labels.max() + 1)]
    touching = set()
    for a, b in ((labels[:, :-1], labels[:, 1:]), (labels[:-1, :], labels[1:, :])):
        touching |= {(min(p, q), max(p, q)) for p, q in zip(a.ravel().tolist(), b.ravel().tolist()) if p != q}
    alive = set(range(len(regions)))

    def similarity(i, j):
        ri, rj = regions[i], regions[j]
        return float(colour_similarity(torch.from_numpy(ri["hist"]), torch.from_numpy(rj["hist"]))
                     + size_similarity(torch.tensor(ri["size"]), torch.tensor(rj["size"]), height * width)
                     + fill_similarity(torch.from_numpy(ri["box"]), torch.from_numpy(rj["box"]),
                                       torch.tensor(ri["size"]), torch.tensor(rj["size"]), height * width))

    while touching:
        i, j = max(touching, key=lambda pair: similarity(*pair))
        t = len(regions)
        regions.append(region(regions[i]["members"] + regions[j]["members"]))
        touching = {(a if a not in (i, j) else t, b if b not in (i, j) else t) for a, b in touching if {a, b} != {i, j}}
        touching = {(min(a, b), max(a, b)) for a, b in touching if a != b}
        alive = (alive - {i, j}) | {t}
    return torch.from_numpy(np.stack([r["box"] for r in regions]))
''',
        "heap with lazy deletion, inline similarities, float64 result": '''
import heapq


def selective_search(image, scale=100, sigma=0.8, min_size=20):
    pixels = image.double().permute(1, 2, 0).numpy()
    labels = felzenszwalb(image.permute(1, 2, 0).numpy(), scale=scale, sigma=sigma, min_size=min_size)
    n, area = int(labels.max()) + 1, float(labels.size)
    sizes = np.bincount(labels.ravel(), minlength=n).astype(np.float64).tolist()
    codes = labels[..., None] * 75 + np.minimum(np.floor(pixels * 25).astype(np.int64), 24) + 25 * np.arange(3)
    counts = np.bincount(codes.ravel(), minlength=75 * n).reshape(n, 75)
    hists = list(counts / counts.sum(axis=1, keepdims=True))
    boxes = []
    for r in range(n):
        ys, xs = np.nonzero(labels == r)
        boxes.append((float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1)))
    neighbours = [set() for _ in range(n)]
    for a, b in ((labels[:, :-1], labels[:, 1:]), (labels[:-1], labels[1:])):
        differ = a != b
        for p, q in zip(a[differ].tolist(), b[differ].tolist()):
            neighbours[p].add(q)
            neighbours[q].add(p)

    def similarity(i, j):
        bi, bj = boxes[i], boxes[j]
        bb = (max(bi[2], bj[2]) - min(bi[0], bj[0])) * (max(bi[3], bj[3]) - min(bi[1], bj[1]))
        colour = np.minimum(hists[i], hists[j]).sum()
        return colour + (1 - (sizes[i] + sizes[j]) / area) + (1 - (bb - sizes[i] - sizes[j]) / area)

    heap = [(-similarity(i, j), -j, -i) for i in range(n) for j in neighbours[i] if i < j]
    heapq.heapify(heap)
    dead = set()
    while heap:
        _, j, i = heapq.heappop(heap)
        i, j = -i, -j
        if i in dead or j in dead:
            continue
        t = len(boxes)
        sizes.append(sizes[i] + sizes[j])
        hists.append((sizes[i] * hists[i] + sizes[j] * hists[j]) / sizes[t])
        boxes.append((min(boxes[i][0], boxes[j][0]), min(boxes[i][1], boxes[j][1]),
                      max(boxes[i][2], boxes[j][2]), max(boxes[i][3], boxes[j][3])))
        dead |= {i, j}
        neighbours.append((neighbours[i] | neighbours[j]) - {i, j})
        for k in neighbours[t]:
            neighbours[k] = (neighbours[k] - {i, j}) | {t}
            heapq.heappush(heap, (-similarity(k, t), -t, -k))
    return torch.tensor(boxes, dtype=torch.float64).reshape(-1, 4)
''',
    },
    "proposal_recall": {
        "IoU by hand in plain Python": '''
def proposal_recall(proposals, gt_boxes, iou_threshold=0.5):
    gts = gt_boxes.tolist()
    if not gts:
        return math.nan

    def iou(p, g):
        w = max(0.0, min(p[2], g[2]) - max(p[0], g[0]))
        h = max(0.0, min(p[3], g[3]) - max(p[1], g[1]))
        union = (p[2] - p[0]) * (p[3] - p[1]) + (g[2] - g[0]) * (g[3] - g[1]) - w * h
        return w * h / union

    found = sum(any(iou(p, g) >= iou_threshold for p in proposals.tolist()) for g in gts)
    return found / len(gts)
''',
        "box_iou transposed, max over dim 0, float32 mean": '''
def proposal_recall(proposals, gt_boxes, iou_threshold=0.5):
    if gt_boxes.shape[0] == 0:
        return float("nan")
    if proposals.shape[0] == 0:
        return 0.0
    covered = box_iou(proposals, gt_boxes).max(dim=0).values >= iou_threshold
    return covered.float().mean().item()
''',
    },
    "bbox_transform": {
        "torchvision's box_convert to (cx, cy, w, h)": '''
from torchvision.ops import box_convert


def bbox_transform(proposals, gt_boxes):
    p, g = box_convert(proposals, "xyxy", "cxcywh"), box_convert(gt_boxes, "xyxy", "cxcywh")
    return torch.cat([(g[:, :2] - p[:, :2]) / p[:, 2:], (g[:, 2:] / p[:, 2:]).log()], dim=1)
''',
        "corner sums and a difference of logs": '''
def bbox_transform(proposals, gt_boxes):
    px1, py1, px2, py2 = proposals.unbind(1)
    gx1, gy1, gx2, gy2 = gt_boxes.unbind(1)
    tx = ((gx1 + gx2) - (px1 + px2)) / (2 * (px2 - px1))
    ty = ((gy1 + gy2) - (py1 + py2)) / (2 * (py2 - py1))
    tw = torch.log(gx2 - gx1) - torch.log(px2 - px1)
    th = torch.log(gy2 - gy1) - torch.log(py2 - py1)
    return torch.stack([tx, ty, tw, th], dim=-1)
''',
    },
    "apply_deltas": {
        "through torchvision's box_convert": '''
from torchvision.ops import box_convert


def apply_deltas(proposals, deltas):
    p = box_convert(proposals, "xyxy", "cxcywh")
    centre = p[:, :2] + deltas[:, :2] * p[:, 2:]
    size = p[:, 2:] * deltas[:, 2:].exp()
    return box_convert(torch.cat([centre, size], dim=1), "cxcywh", "xyxy")
''',
        "corners from the unbound columns": '''
def apply_deltas(proposals, deltas):
    x1, y1, x2, y2 = proposals.unbind(-1)
    tx, ty, tw, th = deltas.unbind(-1)
    w, h = x2 - x1, y2 - y1
    new_w, new_h = w * tw.exp(), h * th.exp()
    cx, cy = (x1 + x2) / 2 + tx * w, (y1 + y2) / 2 + ty * h
    return torch.stack([cx - new_w / 2, cy - new_h / 2, cx + new_w / 2, cy + new_h / 2], dim=-1)
''',
    },
    "warp_proposals": {
        "torchvision's resized_crop without antialiasing": '''
def warp_proposals(image, boxes, size):
    channels, height, width = image.shape
    crops = []
    for box in boxes:
        left, top = (int(v) for v in box[:2].floor().clamp(min=0).tolist())
        left, top = min(left, width - 1), min(top, height - 1)
        right = max(min(int(math.ceil(box[2].item())), width), left + 1)
        bottom = max(min(int(math.ceil(box[3].item())), height), top + 1)
        crops.append(TF.resized_crop(image, top, left, bottom - top, right - left, [size, size], antialias=False))
    return torch.stack(crops) if crops else image.new_empty(0, channels, size, size)
''',
        "grid_sample on the crop with border padding": '''
def warp_proposals(image, boxes, size):
    channels, height, width = image.shape
    out = image.new_zeros(len(boxes), channels, size, size)
    for k, (x1, y1, x2, y2) in enumerate(boxes.tolist()):
        x1, y1 = min(max(math.floor(x1), 0), width - 1), min(max(math.floor(y1), 0), height - 1)
        x2, y2 = max(min(math.ceil(x2), width), x1 + 1), max(min(math.ceil(y2), height), y1 + 1)
        crop = image[None, :, y1:y2, x1:x2]
        # normalised coordinates of the output pixel centres (align_corners=False convention)
        ys = (torch.arange(size, dtype=image.dtype) + 0.5) / size * 2 - 1
        xs = (torch.arange(size, dtype=image.dtype) + 0.5) / size * 2 - 1
        grid = torch.stack(torch.meshgrid(xs, ys, indexing="xy"), dim=-1)[None]
        out[k] = F.grid_sample(crop, grid, mode="bilinear", padding_mode="border", align_corners=False)[0]
    return out
''',
        "nn.Upsample module on each crop": '''
def warp_proposals(image, boxes, size):
    resize = nn.Upsample(size=(size, size), mode="bilinear", align_corners=False)
    _, height, width = image.shape
    rounded = torch.cat([boxes[:, :2].floor(), boxes[:, 2:].ceil()], dim=1).long()
    crops = [image.new_empty(0, image.shape[0], size, size)]
    for x1, y1, x2, y2 in rounded.tolist():
        x1, y1 = min(max(x1, 0), width - 1), min(max(y1, 0), height - 1)
        x2, y2 = max(min(x2, width), x1 + 1), max(min(y2, height), y1 + 1)
        crops.append(resize(image[:, y1:y2, x1:x2].unsqueeze(0)))
    return torch.cat(crops)
''',
    },
}
