"""Object detection shared by notebooks 04 and 05: VOC annotations as tensors, and VOC mAP.

Notebook 04 asks students to write average_precision and mean_average_precision themselves; its hidden tests
reject these versions (and precision_recall_curve, which draws the curve behind them), however they are reached.
Nothing to measure -> NaN (the course's convention).

Boxes are xyxy in continuous pixel coordinates (torchvision's convention, no +1):
a VOC box with 1-based inclusive pixels xmin..xmax covers [xmin − 1, xmax].
"""
from dataclasses import dataclass

import torch
from torchvision.ops import box_iou

from .voc import VOC_CLASSES

VOC_OBJECT_CLASSES = VOC_CLASSES[1:]  # the 20 object classes; detection labels index this tuple


def parse_voc_annotation(target: dict, keep_difficult: bool = False) -> dict:
    """A VOCDetection target -> {"boxes": (K, 4) float xyxy pixels, "labels": (K,) int64, "size": (H, W)}."""
    annotation = target["annotation"]
    objects = annotation.get("object", [])
    objects = [o for o in objects if keep_difficult or int(o.get("difficult", 0)) == 0]
    boxes = [[float(o["bndbox"]["xmin"]) - 1, float(o["bndbox"]["ymin"]) - 1,
              float(o["bndbox"]["xmax"]), float(o["bndbox"]["ymax"])] for o in objects]
    labels = [VOC_OBJECT_CLASSES.index(o["name"]) for o in objects]
    size = annotation["size"]
    return {"boxes": torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4),
            "labels": torch.tensor(labels, dtype=torch.int64),
            "size": (int(size["height"]), int(size["width"]))}


@dataclass(frozen=True)
class PrecisionRecall:
    """One class's detections ranked by score: recall and precision after each one, VOC's envelope, and the AP."""

    recall: torch.Tensor     # (D,) float64, non-decreasing
    precision: torch.Tensor  # (D,) float64
    envelope: torch.Tensor   # (D,) the precision made monotone from the right: max of precision at recall >= r
    ap: float                # the area under the envelope; NaN without ground truth, 0.0 without detections


def precision_recall_curve(pred_boxes, pred_scores, gt_boxes, iou_threshold=0.5) -> PrecisionRecall:
    """The curve behind average_precision (same arguments): detections matched the VOC devkit's way, by score."""
    num_gt = sum(len(g) for g in gt_boxes)
    detections = [(float(s), image, index) for image, scores in enumerate(pred_scores)
                  for index, s in enumerate(scores.tolist())]
    detections.sort(key=lambda d: -d[0])  # stable: ties keep image order, like the devkit's sort
    matched = [torch.zeros(len(g), dtype=torch.bool) for g in gt_boxes]
    hits = [_is_true_positive(pred_boxes[image][index], gt_boxes[image], matched[image], iou_threshold)
            for _, image, index in detections]
    true_positives = torch.tensor(hits, dtype=torch.float64).cumsum(0)
    recall = true_positives / max(num_gt, 1)
    precision = true_positives / torch.arange(1, len(hits) + 1, dtype=torch.float64)
    ap = float("nan") if num_gt == 0 else _area_under_envelope(recall, precision)  # NaN: nothing to measure
    return PrecisionRecall(recall, precision, _envelope(precision), ap)


def average_precision(pred_boxes, pred_scores, gt_boxes, iou_threshold=0.5) -> float:
    """VOC 2010+ all-point AP of one class, matched the VOC devkit's way; NaN when there is no ground truth.

    Arguments are lists over images of (P, 4) boxes, (P,) scores and (G, 4) ground-truth boxes."""
    return precision_recall_curve(pred_boxes, pred_scores, gt_boxes, iou_threshold).ap


def _is_true_positive(box, gt_boxes, matched, iou_threshold) -> bool:
    """The VOC devkit's rule: a detection belongs to the ground truth it overlaps most among ALL of its image's
    (matched or not; ties -> the first); it is a true positive only if that IoU >= threshold and that ground truth
    is still unmatched (which it then becomes), otherwise a false positive - even if another one would match."""
    if len(gt_boxes) == 0:
        return False
    ious = box_iou(box.view(1, 4).double(), gt_boxes.double())[0].nan_to_num(0.0)  # zero-area boxes: IoU 0
    best = int(ious.argmax())
    if ious[best] < iou_threshold or matched[best]:
        return False
    matched[best] = True
    return True


def _envelope(precision):
    """VOC's interpolated precision: at each rank, the best precision at this recall or any higher one."""
    return precision.flip(0).cummax(0).values.flip(0)


def _area_under_envelope(recall, precision) -> float:
    """All-point interpolated AP: make precision monotone from the right, sum it over recall steps."""
    recall = torch.cat([torch.zeros(1, dtype=recall.dtype), recall])
    precision = torch.cat([torch.zeros(1, dtype=precision.dtype), precision])
    return float(((recall[1:] - recall[:-1]) * _envelope(precision)[1:]).sum())


def mean_average_precision(pred_boxes, pred_scores, pred_labels, gt_boxes, gt_labels, iou_threshold=0.5) -> float:
    """Mean of average_precision over the classes that have ground truth (NaN APs skipped); lists over images.

    NaN when no image has a ground-truth box: nothing to measure."""
    classes = sorted(set(torch.cat([l.reshape(-1) for l in gt_labels]).tolist())) if gt_labels else []
    aps = []
    for c in classes:
        keep = [labels == c for labels in pred_labels]
        aps.append(average_precision([b[k] for b, k in zip(pred_boxes, keep)],
                                     [s[k] for s, k in zip(pred_scores, keep)],
                                     [g[labels == c] for g, labels in zip(gt_boxes, gt_labels)], iou_threshold))
    return float(torch.tensor(aps, dtype=torch.float64).nanmean())
