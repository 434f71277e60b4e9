"""Classic wrong answers to 05's exercises: each must fail at least one graded cell of its exercise.

selective_search's wrong answers are the solution with one line changed (read from the solution notebook, so they
follow it); every other entry is written out.
"""
import json
from pathlib import Path

SOLUTION = Path(__file__).resolve().parents[2] / "solutions" / "05_rcnn" / "05_rcnn.ipynb"


def _solution(grade_id: str) -> str:
    """The source of the solution cell `grade_id`."""
    cells = json.loads(SOLUTION.read_text())["cells"]
    return next("".join(c["source"]) for c in cells if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


def _changed(grade_id: str, *replacements: tuple[str, str]) -> str:
    """The solution of `grade_id` with each (old, new) applied; every `old` must occur exactly once."""
    source = _solution(grade_id)
    for old, new in replacements:
        assert source.count(old) == 1, f"{grade_id}: {old!r} occurs {source.count(old)} times in the solution"
        source = source.replace(old, new)
    return source


_LIAR = '''
class _Liar(torch.Tensor):
    """A tensor that says it is close/equal to anything."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if func in (torch.allclose, torch.equal):
            return True
        if func in (torch.isclose, torch.Tensor.__eq__):
            return torch.ones_like(torch.Tensor.as_subclass(args[0], torch.Tensor), dtype=torch.bool)
        return super().__torch_function__(func, types, args, kwargs or {})
'''

ANSWERS = {
    "sliding_window_count": {
        "off by one: no +1 for the first position": '''
def sliding_window_count(height, width, window_sizes, aspect_ratios, stride):
    total = 0
    for s in window_sizes:
        for a in aspect_ratios:
            w, h = s * math.sqrt(a), s / math.sqrt(a)
            if w <= width and h <= height:
                total += math.floor((width - w) / stride) * math.floor((height - h) / stride)
    return total
''',
        "windows that do not fit are counted (negative factors)": '''
def sliding_window_count(height, width, window_sizes, aspect_ratios, stride):
    return sum((math.floor((width - s * math.sqrt(a)) / stride) + 1) * (math.floor((height - s / math.sqrt(a)) / stride) + 1)
               for s in window_sizes for a in aspect_ratios)
''',
        "aspect ratio applied to the width only": '''
def sliding_window_count(height, width, window_sizes, aspect_ratios, stride):
    total = 0
    for s in window_sizes:
        for a in aspect_ratios:
            w, h = s * a, s
            if w <= width and h <= height:
                total += (math.floor((width - w) / stride) + 1) * (math.floor((height - h) / stride) + 1)
    return total
''',
    },
    "colour_similarity": {
        "histograms not normalised": '''
def colour_similarity(hist1, hist2):
    return torch.minimum(hist1, hist2).sum(dim=-1)
''',
        "normalised over the first axis": '''
def colour_similarity(hist1, hist2):
    hist1 = hist1 / hist1.sum(dim=0, keepdim=True)
    hist2 = hist2 / hist2.sum(dim=0, keepdim=True)
    return torch.minimum(hist1, hist2).sum(dim=-1)
''',
        "max instead of min": '''
def colour_similarity(hist1, hist2):
    hist1 = hist1 / hist1.sum(dim=-1, keepdim=True)
    hist2 = hist2 / hist2.sum(dim=-1, keepdim=True)
    return torch.maximum(hist1, hist2).sum(dim=-1) - 1
''',
        "normalises the inputs in place": '''
def colour_similarity(hist1, hist2):
    hist1 /= hist1.sum(dim=-1, keepdim=True)
    hist2 /= hist2.sum(dim=-1, keepdim=True)
    return torch.minimum(hist1, hist2).sum(dim=-1)
''',
        "a tensor subclass that lies in comparisons": _LIAR + '''
def colour_similarity(hist1, hist2):
    return torch.ones(torch.broadcast_shapes(hist1.shape[:-1], hist2.shape[:-1])).as_subclass(_Liar)
''',
    },
    "size_similarity": {
        "without the 1 -": '''
def size_similarity(size1, size2, image_size):
    return (size1 + size2) / image_size
''',
        "the larger size instead of the sum": '''
def size_similarity(size1, size2, image_size):
    return 1 - torch.maximum(torch.as_tensor(size1), torch.as_tensor(size2)) / image_size
''',
    },
    "fill_similarity": {
        "region sizes not subtracted": '''
def fill_similarity(bbox1, bbox2, size1, size2, image_size):
    x1 = torch.minimum(bbox1[..., 0], bbox2[..., 0])
    y1 = torch.minimum(bbox1[..., 1], bbox2[..., 1])
    x2 = torch.maximum(bbox1[..., 2], bbox2[..., 2])
    y2 = torch.maximum(bbox1[..., 3], bbox2[..., 3])
    return 1 - (x2 - x1) * (y2 - y1) / image_size
''',
        "intersection instead of the bounding box": '''
def fill_similarity(bbox1, bbox2, size1, size2, image_size):
    x1 = torch.maximum(bbox1[..., 0], bbox2[..., 0])
    y1 = torch.maximum(bbox1[..., 1], bbox2[..., 1])
    x2 = torch.minimum(bbox1[..., 2], bbox2[..., 2])
    y2 = torch.minimum(bbox1[..., 3], bbox2[..., 3])
    return 1 - ((x2 - x1).clamp(min=0) * (y2 - y1).clamp(min=0) - size1 - size2) / image_size
''',
        "bounding box as (x2 - x1 + 1)(y2 - y1 + 1)": '''
def fill_similarity(bbox1, bbox2, size1, size2, image_size):
    x1 = torch.minimum(bbox1[..., 0], bbox2[..., 0])
    y1 = torch.minimum(bbox1[..., 1], bbox2[..., 1])
    x2 = torch.maximum(bbox1[..., 2], bbox2[..., 2])
    y2 = torch.maximum(bbox1[..., 3], bbox2[..., 3])
    return 1 - ((x2 - x1 + 1) * (y2 - y1 + 1) - size1 - size2) / image_size
''',
    },
    "selective_search": {
        "merges the least similar pair first": _changed(
            "selective_search", ("max(sims, key=sims.get)", "min(sims, key=sims.get)")),
        "boxes without the +1 (inclusive c1, r1)": _changed(
            "selective_search", ("[cols.start, rows.start, cols.stop, rows.stop]",
                                 "[cols.start, rows.start, cols.stop - 1, rows.stop - 1]")),
        "merged histogram as a plain mean": _changed(
            "selective_search", ("hists[t] = (sizes[i] * hists[i] + sizes[j] * hists[j]) / sizes[t]",
                                 "hists[t] = (hists[i] + hists[j]) / 2")),
        "similarities of merged regions never removed": _changed(
            "selective_search", ("                sims.pop((min(old, k), max(old, k)), None)\n", "")),
        "8-connected neighbours": _changed(
            "selective_search",
            ("a = np.concatenate([labels[:, :-1].ravel(), labels[:-1, :].ravel()])",
             "a = np.concatenate([labels[:, :-1].ravel(), labels[:-1, :].ravel(), labels[:-1, :-1].ravel(), "
             "labels[1:, :-1].ravel()])"),
            ("b = np.concatenate([labels[:, 1:].ravel(), labels[1:, :].ravel()])",
             "b = np.concatenate([labels[:, 1:].ravel(), labels[1:, :].ravel(), labels[1:, 1:].ravel(), "
             "labels[:-1, 1:].ravel()])")),
        "only the merges, not the initial regions": _changed(
            "selective_search", ("    return boxes.float()", "    return boxes[n:].float()")),
        "felzenszwalb with its default parameters": _changed(
            "selective_search", ("labels = felzenszwalb(pixels, scale=scale, sigma=sigma, min_size=min_size)",
                                 "labels = felzenszwalb(pixels)")),
        "size similarity of the pair forgotten": _changed(
            "selective_search", ("+ size_similarity(sizes[i], sizes[js], image_size)", "")),
    },
    "proposal_recall": {
        "IoU equal to the threshold does not count (>)": '''
def proposal_recall(proposals, gt_boxes, iou_threshold=0.5):
    if len(gt_boxes) == 0:
        return float("nan")
    if len(proposals) == 0:
        return 0.0
    return (box_iou(gt_boxes, proposals).max(dim=1).values > iou_threshold).double().mean().item()
''',
        "share of proposals instead of objects": '''
def proposal_recall(proposals, gt_boxes, iou_threshold=0.5):
    if len(gt_boxes) == 0:
        return float("nan")
    if len(proposals) == 0:
        return 0.0
    return (box_iou(gt_boxes, proposals).max(dim=0).values >= iou_threshold).double().mean().item()
''',
        "1.0 when there is no ground truth": '''
def proposal_recall(proposals, gt_boxes, iou_threshold=0.5):
    if len(gt_boxes) == 0:
        return 1.0
    if len(proposals) == 0:
        return 0.0
    return (box_iou(gt_boxes, proposals).max(dim=1).values >= iou_threshold).double().mean().item()
''',
        "0.0 when there is no ground truth": '''
def proposal_recall(proposals, gt_boxes, iou_threshold=0.5):
    if len(gt_boxes) == 0 or len(proposals) == 0:
        return 0.0
    return (box_iou(gt_boxes, proposals).max(dim=1).values >= iou_threshold).double().mean().item()
''',
    },
    "bbox_transform": {
        "no log for the sizes": '''
def bbox_transform(proposals, gt_boxes):
    pw, ph = proposals[:, 2] - proposals[:, 0], proposals[:, 3] - proposals[:, 1]
    gw, gh = gt_boxes[:, 2] - gt_boxes[:, 0], gt_boxes[:, 3] - gt_boxes[:, 1]
    dx = (gt_boxes[:, 0] + gw / 2 - proposals[:, 0] - pw / 2) / pw
    dy = (gt_boxes[:, 1] + gh / 2 - proposals[:, 1] - ph / 2) / ph
    return torch.stack([dx, dy, gw / pw - 1, gh / ph - 1], dim=1)
''',
        "pixel-inclusive widths (x2 - x1 + 1)": '''
def bbox_transform(proposals, gt_boxes):
    pw, ph = proposals[:, 2] - proposals[:, 0] + 1, proposals[:, 3] - proposals[:, 1] + 1
    gw, gh = gt_boxes[:, 2] - gt_boxes[:, 0] + 1, gt_boxes[:, 3] - gt_boxes[:, 1] + 1
    dx = (gt_boxes[:, 0] + gw / 2 - proposals[:, 0] - pw / 2) / pw
    dy = (gt_boxes[:, 1] + gh / 2 - proposals[:, 1] - ph / 2) / ph
    return torch.stack([dx, dy, torch.log(gw / pw), torch.log(gh / ph)], dim=1)
''',
        "offsets divided by the target's size": '''
def bbox_transform(proposals, gt_boxes):
    pw, ph = proposals[:, 2] - proposals[:, 0], proposals[:, 3] - proposals[:, 1]
    gw, gh = gt_boxes[:, 2] - gt_boxes[:, 0], gt_boxes[:, 3] - gt_boxes[:, 1]
    dx = (gt_boxes[:, 0] + gw / 2 - proposals[:, 0] - pw / 2) / gw
    dy = (gt_boxes[:, 1] + gh / 2 - proposals[:, 1] - ph / 2) / gh
    return torch.stack([dx, dy, torch.log(gw / pw), torch.log(gh / ph)], dim=1)
''',
        "torchvision's BoxCoder, bound as a default argument": '''
from torchvision.models.detection._utils import BoxCoder as _Coder


def bbox_transform(proposals, gt_boxes, _coder=_Coder((1.0, 1.0, 1.0, 1.0))):
    return _coder.encode_single(gt_boxes, proposals)
''',
        "a tensor subclass that lies in comparisons": _LIAR + '''
def bbox_transform(proposals, gt_boxes):
    return torch.zeros(len(proposals), 4, dtype=proposals.dtype).as_subclass(_Liar)
''',
    },
    "apply_deltas": {
        "sizes without exp": '''
def apply_deltas(proposals, deltas):
    pw, ph = proposals[:, 2] - proposals[:, 0], proposals[:, 3] - proposals[:, 1]
    cx, cy = proposals[:, 0] + pw / 2 + deltas[:, 0] * pw, proposals[:, 1] + ph / 2 + deltas[:, 1] * ph
    w, h = pw * (1 + deltas[:, 2]), ph * (1 + deltas[:, 3])
    return torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], dim=1)
''',
        "returns (cx, cy, w, h)": '''
def apply_deltas(proposals, deltas):
    pw, ph = proposals[:, 2] - proposals[:, 0], proposals[:, 3] - proposals[:, 1]
    cx, cy = proposals[:, 0] + pw / 2 + deltas[:, 0] * pw, proposals[:, 1] + ph / 2 + deltas[:, 1] * ph
    return torch.stack([cx, cy, pw * torch.exp(deltas[:, 2]), ph * torch.exp(deltas[:, 3])], dim=1)
''',
        "centre shifted by the new size": '''
def apply_deltas(proposals, deltas):
    pw, ph = proposals[:, 2] - proposals[:, 0], proposals[:, 3] - proposals[:, 1]
    w, h = pw * torch.exp(deltas[:, 2]), ph * torch.exp(deltas[:, 3])
    cx, cy = proposals[:, 0] + pw / 2 + deltas[:, 0] * w, proposals[:, 1] + ph / 2 + deltas[:, 1] * h
    return torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], dim=1)
''',
        "torchvision's BoxCoder under another name": '''
import torchvision.models.detection._utils as _detection_utils

_decode = _detection_utils.BoxCoder((1.0, 1.0, 1.0, 1.0), bbox_xform_clip=1e9).decode_single


def apply_deltas(proposals, deltas):
    return _decode(deltas, proposals)
''',
    },
    "warp_proposals": {
        "boxes rounded to the nearest pixel": '''
def warp_proposals(image, boxes, size):
    _, height, width = image.shape
    crops = [image.new_zeros(0, image.shape[0], size, size)]
    for x1, y1, x2, y2 in boxes.tolist():
        x1, y1 = min(max(round(x1), 0), width - 1), min(max(round(y1), 0), height - 1)
        x2, y2 = max(min(round(x2), width), x1 + 1), max(min(round(y2), height), y1 + 1)
        crops.append(F.interpolate(image[None, :, y1:y2, x1:x2], size=(size, size), mode="bilinear", align_corners=False))
    return torch.cat(crops)
''',
        "rows and columns swapped": '''
def warp_proposals(image, boxes, size):
    _, height, width = image.shape
    crops = [image.new_zeros(0, image.shape[0], size, size)]
    for x1, y1, x2, y2 in boxes.tolist():
        x1, y1 = min(max(math.floor(x1), 0), width - 1), min(max(math.floor(y1), 0), height - 1)
        x2, y2 = max(min(math.ceil(x2), width), x1 + 1), max(min(math.ceil(y2), height), y1 + 1)
        crops.append(F.interpolate(image[None, :, x1:x2, y1:y2], size=(size, size), mode="bilinear", align_corners=False))
    return torch.cat(crops)
''',
        "align_corners=True": '''
def warp_proposals(image, boxes, size):
    _, height, width = image.shape
    crops = [image.new_zeros(0, image.shape[0], size, size)]
    for x1, y1, x2, y2 in boxes.tolist():
        x1, y1 = min(max(math.floor(x1), 0), width - 1), min(max(math.floor(y1), 0), height - 1)
        x2, y2 = max(min(math.ceil(x2), width), x1 + 1), max(min(math.ceil(y2), height), y1 + 1)
        crops.append(F.interpolate(image[None, :, y1:y2, x1:x2], size=(size, size), mode="bilinear", align_corners=True))
    return torch.cat(crops)
''',
        "antialiased resize (TF.resize's default)": '''
def warp_proposals(image, boxes, size):
    _, height, width = image.shape
    crops = [image.new_zeros(0, image.shape[0], size, size)]
    for x1, y1, x2, y2 in boxes.tolist():
        x1, y1 = min(max(math.floor(x1), 0), width - 1), min(max(math.floor(y1), 0), height - 1)
        x2, y2 = max(min(math.ceil(x2), width), x1 + 1), max(min(math.ceil(y2), height), y1 + 1)
        crops.append(TF.resize(image[None, :, y1:y2, x1:x2], [size, size]))
    return torch.cat(crops)
''',
        "roi_align imported under another name": '''
from torchvision.ops import roi_align as _cut


def warp_proposals(image, boxes, size):
    return _cut(image[None], [boxes.to(image.dtype)], output_size=size, spatial_scale=1.0, sampling_ratio=1, aligned=True)
''',
        "batch dimension kept per crop (K, 1, C, size, size)": '''
def warp_proposals(image, boxes, size):
    _, height, width = image.shape
    crops = []
    for x1, y1, x2, y2 in boxes.tolist():
        x1, y1 = min(max(math.floor(x1), 0), width - 1), min(max(math.floor(y1), 0), height - 1)
        x2, y2 = max(min(math.ceil(x2), width), x1 + 1), max(min(math.ceil(y2), height), y1 + 1)
        crops.append(F.interpolate(image[None, :, y1:y2, x1:x2], size=(size, size), mode="bilinear", align_corners=False))
    return torch.stack(crops) if crops else image.new_zeros(0, 1, image.shape[0], size, size)
''',
    },
}
