"""Classic wrong answers to 04's exercises: each must fail at least one graded cell of its exercise."""

ANSWERS = {
    "cxcywh_to_xyxy": {
        "whole size instead of half": '''
def cxcywh_to_xyxy(boxes):
    cx, cy, w, h = boxes.unbind(-1)
    return torch.stack([cx - w, cy - h, cx + w, cy + h], dim=-1)
''',
        "2-D only (boxes[:, k])": '''
def cxcywh_to_xyxy(boxes):
    return torch.stack([boxes[:, 0] - boxes[:, 2] / 2, boxes[:, 1] - boxes[:, 3] / 2,
                        boxes[:, 0] + boxes[:, 2] / 2, boxes[:, 1] + boxes[:, 3] / 2], dim=1)
''',
        "modifies its input in place": '''
def cxcywh_to_xyxy(boxes):
    boxes[..., :2] -= boxes[..., 2:] / 2
    boxes[..., 2:] += boxes[..., :2]
    return boxes
''',
        "always float32": '''
def cxcywh_to_xyxy(boxes):
    cx, cy, w, h = boxes.float().unbind(-1)
    return torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], dim=-1)
''',
    },
    "xyxy_to_cxcywh": {
        "VOC's +1 in the size": '''
def xyxy_to_cxcywh(boxes):
    x1, y1, x2, y2 = boxes.unbind(-1)
    return torch.stack([(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1 + 1, y2 - y1 + 1], dim=-1)
''',
        "x and y swapped": '''
def xyxy_to_cxcywh(boxes):
    x1, y1, x2, y2 = boxes.unbind(-1)
    return torch.stack([(y1 + y2) / 2, (x1 + x2) / 2, y2 - y1, x2 - x1], dim=-1)
''',
    },
    "box_iou": {
        "VOC's +1 pixel": '''
def box_iou(boxes1, boxes2):
    lt = torch.max(boxes1[:, None, :2], boxes2[None, :, :2])
    rb = torch.min(boxes1[:, None, 2:], boxes2[None, :, 2:])
    wh = (rb - lt + 1).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    area = lambda b: (b[:, 2] - b[:, 0] + 1) * (b[:, 3] - b[:, 1] + 1)
    return inter / (area(boxes1)[:, None] + area(boxes2)[None, :] - inter)
''',
        "clamps the product, not each overlap": '''
def box_iou(boxes1, boxes2):
    lt = torch.max(boxes1[:, None, :2], boxes2[None, :, :2])
    rb = torch.min(boxes1[:, None, 2:], boxes2[None, :, 2:])
    wh = rb - lt
    inter = (wh[..., 0] * wh[..., 1]).clamp(min=0)
    area = lambda b: (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area(boxes1)[:, None] + area(boxes2)[None, :] - inter
    return torch.where(union > 0, inter / union, torch.zeros_like(union))
''',
        "NaN for an empty union": '''
def box_iou(boxes1, boxes2):
    lt = torch.max(boxes1[:, None, :2], boxes2[None, :, :2])
    rb = torch.min(boxes1[:, None, 2:], boxes2[None, :, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    area = lambda b: (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return inter / (area(boxes1)[:, None] + area(boxes2)[None, :] - inter)
''',
        "torchvision's box_iou by default argument": '''
from torchvision.ops import box_iou as _library_iou


def box_iou(boxes1, boxes2, iou=_library_iou):
    return iou(boxes1, boxes2).nan_to_num(0.0)
''',
        "a tensor subclass that says it is close to everything": '''
class _Agreeable(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        result = super().__torch_function__(func, types, args, kwargs or {})
        if func in (torch.isclose, torch.Tensor.__eq__, torch.allclose, torch.equal):
            return torch.ones_like(result, dtype=torch.bool) if isinstance(result, torch.Tensor) else True
        return result


def box_iou(boxes1, boxes2):
    return torch.full((len(boxes1), len(boxes2)), 0.3, dtype=boxes1.dtype).as_subclass(_Agreeable)
''',
    },
    "localization_loss": {
        "smooth-L1 summed over coordinates": '''
def localization_loss(class_logits, box_pred, labels, box_target, box_weight=1.0):
    box = F.smooth_l1_loss(box_pred, box_target, reduction="sum") / len(box_pred)
    return F.cross_entropy(class_logits, labels) + box_weight * box
''',
        "box_weight on the class term": '''
def localization_loss(class_logits, box_pred, labels, box_target, box_weight=1.0):
    return box_weight * F.cross_entropy(class_logits, labels) + F.smooth_l1_loss(box_pred, box_target)
''',
        "L1 instead of smooth-L1": '''
def localization_loss(class_logits, box_pred, labels, box_target, box_weight=1.0):
    return F.cross_entropy(class_logits, labels) + box_weight * F.l1_loss(box_pred, box_target)
''',
    },
    "encode_yolo_targets": {
        "rows and columns swapped": '''
def encode_yolo_targets(boxes, labels, S=7, num_classes=20):
    target = torch.zeros(S, S, 5 + num_classes, dtype=boxes.dtype)
    for (cx, cy, w, h), label in zip(xyxy_to_cxcywh(boxes).tolist(), labels.tolist()):
        i, j = min(int(cy * S), S - 1), min(int(cx * S), S - 1)
        if target[j, i, 4] == 1:
            continue
        target[j, i, :5] = torch.tensor([cx * S - j, cy * S - i, w, h, 1.0])
        target[j, i, 5 + label] = 1
    return target
''',
        "the last box wins a cell": '''
def encode_yolo_targets(boxes, labels, S=7, num_classes=20):
    target = torch.zeros(S, S, 5 + num_classes, dtype=boxes.dtype)
    for (cx, cy, w, h), label in zip(xyxy_to_cxcywh(boxes).tolist(), labels.tolist()):
        i, j = min(int(cy * S), S - 1), min(int(cx * S), S - 1)
        target[i, j] = 0
        target[i, j, :5] = torch.tensor([cx * S - j, cy * S - i, w, h, 1.0])
        target[i, j, 5 + label] = 1
    return target
''',
        "centre relative to the image, not the cell": '''
def encode_yolo_targets(boxes, labels, S=7, num_classes=20):
    target = torch.zeros(S, S, 5 + num_classes, dtype=boxes.dtype)
    for (cx, cy, w, h), label in zip(xyxy_to_cxcywh(boxes).tolist(), labels.tolist()):
        i, j = min(int(cy * S), S - 1), min(int(cx * S), S - 1)
        if target[i, j, 4] == 1:
            continue
        target[i, j, :5] = torch.tensor([cx, cy, w, h, 1.0])
        target[i, j, 5 + label] = 1
    return target
''',
        "no clamp at the right border": '''
def encode_yolo_targets(boxes, labels, S=7, num_classes=20):
    target = torch.zeros(S, S, 5 + num_classes, dtype=boxes.dtype)
    for (cx, cy, w, h), label in zip(xyxy_to_cxcywh(boxes).tolist(), labels.tolist()):
        i, j = int(cy * S), int(cx * S)
        if target[i, j, 4] == 1:
            continue
        target[i, j, :5] = torch.tensor([cx * S - j, cy * S - i, w, h, 1.0])
        target[i, j, 5 + label] = 1
    return target
''',
    },
    "yolo_loss": {
        "root of raw sizes masked with torch.where (NaN gradient)": '''
def yolo_loss(pred, target, S=7, B=2, num_classes=20, lambda_coord=5.0, lambda_noobj=0.5):
    N = pred.shape[0]
    boxes = pred[..., :5 * B].reshape(N, S, S, B, 5)
    obj = target[..., 4] > 0
    with torch.no_grad():
        p_wh, t_wh = boxes[..., 2:4].clamp(min=0), target[..., None, 2:4]
        p_c, t_c = boxes[..., :2] / S, target[..., None, :2] / S
        inter = (torch.minimum(p_c + p_wh / 2, t_c + t_wh / 2) - torch.maximum(p_c - p_wh / 2, t_c - t_wh / 2)).clamp(min=0).prod(-1)
        union = p_wh.prod(-1) + t_wh.prod(-1) - inter
        iou = torch.where(union > 0, inter / union.clamp(min=1e-12), torch.zeros_like(union))
    resp = F.one_hot(iou.argmax(-1), B).bool() & obj[..., None]
    roots = torch.where(boxes[..., 2:4] > 0, boxes[..., 2:4].sqrt(), torch.zeros_like(boxes[..., 2:4]))
    p, t = boxes[resp], target[obj]
    loss = lambda_coord * ((p[:, :2] - t[:, :2]) ** 2).sum()
    loss = loss + lambda_coord * ((roots[resp] - t[:, 2:4].sqrt()) ** 2).sum()
    loss = loss + ((p[:, 4] - iou[resp]) ** 2).sum() + lambda_noobj * (boxes[..., 4][~resp] ** 2).sum()
    return (loss + ((pred[..., 5 * B:][obj] - t[:, 5:]) ** 2).sum()) / N
''',
        "IoU target not detached": '''
def yolo_loss(pred, target, S=7, B=2, num_classes=20, lambda_coord=5.0, lambda_noobj=0.5):
    N = pred.shape[0]
    boxes = pred[..., :5 * B].reshape(N, S, S, B, 5)
    obj = target[..., 4] > 0
    p_wh, t_wh = boxes[..., 2:4].clamp(min=0), target[..., None, 2:4]
    p_c, t_c = boxes[..., :2] / S, target[..., None, :2] / S
    inter = (torch.minimum(p_c + p_wh / 2, t_c + t_wh / 2) - torch.maximum(p_c - p_wh / 2, t_c - t_wh / 2)).clamp(min=0).prod(-1)
    union = p_wh.prod(-1) + t_wh.prod(-1) - inter
    iou = torch.where(union > 0, inter / union.clamp(min=1e-12), torch.zeros_like(union))
    resp = F.one_hot(iou.argmax(-1), B).bool() & obj[..., None]
    p, t = boxes[resp], target[obj]
    loss = lambda_coord * ((p[:, :2] - t[:, :2]) ** 2).sum()
    loss = loss + lambda_coord * ((p[:, 2:4].clamp(min=0).sqrt() - t[:, 2:4].sqrt()) ** 2).sum()
    loss = loss + ((p[:, 4] - iou[resp]) ** 2).sum() + lambda_noobj * (boxes[..., 4][~resp] ** 2).sum()
    return (loss + ((pred[..., 5 * B:][obj] - t[:, 5:]) ** 2).sum()) / N
''',
        "not divided by N": '''
def yolo_loss(pred, target, S=7, B=2, num_classes=20, lambda_coord=5.0, lambda_noobj=0.5):
    N = pred.shape[0]
    boxes = pred[..., :5 * B].reshape(N, S, S, B, 5)
    obj = target[..., 4] > 0
    with torch.no_grad():
        p_wh, t_wh = boxes[..., 2:4].clamp(min=0), target[..., None, 2:4]
        p_c, t_c = boxes[..., :2] / S, target[..., None, :2] / S
        inter = (torch.minimum(p_c + p_wh / 2, t_c + t_wh / 2) - torch.maximum(p_c - p_wh / 2, t_c - t_wh / 2)).clamp(min=0).prod(-1)
        union = p_wh.prod(-1) + t_wh.prod(-1) - inter
        iou = torch.where(union > 0, inter / union.clamp(min=1e-12), torch.zeros_like(union))
    resp = F.one_hot(iou.argmax(-1), B).bool() & obj[..., None]
    p, t = boxes[resp], target[obj]
    loss = lambda_coord * ((p[:, :2] - t[:, :2]) ** 2).sum()
    loss = loss + lambda_coord * ((p[:, 2:4].clamp(min=0).sqrt() - t[:, 2:4].sqrt()) ** 2).sum()
    loss = loss + ((p[:, 4] - iou[resp]) ** 2).sum() + lambda_noobj * (boxes[..., 4][~resp] ** 2).sum()
    return loss + ((pred[..., 5 * B:][obj] - t[:, 5:]) ** 2).sum()
''',
        "the first predictor is always responsible": '''
def yolo_loss(pred, target, S=7, B=2, num_classes=20, lambda_coord=5.0, lambda_noobj=0.5):
    N = pred.shape[0]
    boxes = pred[..., :5 * B].reshape(N, S, S, B, 5)
    obj = target[..., 4] > 0
    with torch.no_grad():
        p_wh, t_wh = boxes[..., 2:4].clamp(min=0), target[..., None, 2:4]
        p_c, t_c = boxes[..., :2] / S, target[..., None, :2] / S
        inter = (torch.minimum(p_c + p_wh / 2, t_c + t_wh / 2) - torch.maximum(p_c - p_wh / 2, t_c - t_wh / 2)).clamp(min=0).prod(-1)
        union = p_wh.prod(-1) + t_wh.prod(-1) - inter
        iou = torch.where(union > 0, inter / union.clamp(min=1e-12), torch.zeros_like(union))
    resp = torch.zeros_like(iou, dtype=torch.bool)
    resp[..., 0] = obj
    p, t = boxes[resp], target[obj]
    loss = lambda_coord * ((p[:, :2] - t[:, :2]) ** 2).sum()
    loss = loss + lambda_coord * ((p[:, 2:4].clamp(min=0).sqrt() - t[:, 2:4].sqrt()) ** 2).sum()
    loss = loss + ((p[:, 4] - iou[resp]) ** 2).sum() + lambda_noobj * (boxes[..., 4][~resp] ** 2).sum()
    return (loss + ((pred[..., 5 * B:][obj] - t[:, 5:]) ** 2).sum()) / N
''',
        "absolute value instead of clamping the size": '''
def yolo_loss(pred, target, S=7, B=2, num_classes=20, lambda_coord=5.0, lambda_noobj=0.5):
    N = pred.shape[0]
    boxes = pred[..., :5 * B].reshape(N, S, S, B, 5)
    obj = target[..., 4] > 0
    with torch.no_grad():
        p_wh, t_wh = boxes[..., 2:4].clamp(min=0), target[..., None, 2:4]
        p_c, t_c = boxes[..., :2] / S, target[..., None, :2] / S
        inter = (torch.minimum(p_c + p_wh / 2, t_c + t_wh / 2) - torch.maximum(p_c - p_wh / 2, t_c - t_wh / 2)).clamp(min=0).prod(-1)
        union = p_wh.prod(-1) + t_wh.prod(-1) - inter
        iou = torch.where(union > 0, inter / union.clamp(min=1e-12), torch.zeros_like(union))
    resp = F.one_hot(iou.argmax(-1), B).bool() & obj[..., None]
    p, t = boxes[resp], target[obj]
    loss = lambda_coord * ((p[:, :2] - t[:, :2]) ** 2).sum()
    loss = loss + lambda_coord * ((p[:, 2:4].abs().sqrt() - t[:, 2:4].sqrt()) ** 2).sum()
    loss = loss + ((p[:, 4] - iou[resp]) ** 2).sum() + lambda_noobj * (boxes[..., 4][~resp] ** 2).sum()
    return (loss + ((pred[..., 5 * B:][obj] - t[:, 5:]) ** 2).sum()) / N
''',
        "no-object term only in empty cells": '''
def yolo_loss(pred, target, S=7, B=2, num_classes=20, lambda_coord=5.0, lambda_noobj=0.5):
    N = pred.shape[0]
    boxes = pred[..., :5 * B].reshape(N, S, S, B, 5)
    obj = target[..., 4] > 0
    with torch.no_grad():
        p_wh, t_wh = boxes[..., 2:4].clamp(min=0), target[..., None, 2:4]
        p_c, t_c = boxes[..., :2] / S, target[..., None, :2] / S
        inter = (torch.minimum(p_c + p_wh / 2, t_c + t_wh / 2) - torch.maximum(p_c - p_wh / 2, t_c - t_wh / 2)).clamp(min=0).prod(-1)
        union = p_wh.prod(-1) + t_wh.prod(-1) - inter
        iou = torch.where(union > 0, inter / union.clamp(min=1e-12), torch.zeros_like(union))
    resp = F.one_hot(iou.argmax(-1), B).bool() & obj[..., None]
    p, t = boxes[resp], target[obj]
    loss = lambda_coord * ((p[:, :2] - t[:, :2]) ** 2).sum()
    loss = loss + lambda_coord * ((p[:, 2:4].clamp(min=0).sqrt() - t[:, 2:4].sqrt()) ** 2).sum()
    loss = loss + ((p[:, 4] - iou[resp]) ** 2).sum() + lambda_noobj * (boxes[..., 4][~obj] ** 2).sum()
    return (loss + ((pred[..., 5 * B:][obj] - t[:, 5:]) ** 2).sum()) / N
''',
    },
    "decode_yolo": {
        "rows and columns swapped": '''
def decode_yolo(pred, S=7, B=2, num_classes=20, conf_threshold=0.1):
    N = pred.shape[0]
    boxes = pred[..., :5 * B].reshape(N, S, S, B, 5)
    best, label = pred[..., 5 * B:].max(-1)
    index = torch.arange(S, dtype=pred.dtype)
    cx = (index.view(1, S, 1, 1) + boxes[..., 0]) / S
    cy = (index.view(1, 1, S, 1) + boxes[..., 1]) / S
    xyxy = cxcywh_to_xyxy(torch.stack([cx, cy, boxes[..., 2], boxes[..., 3]], -1))
    scores = boxes[..., 4] * best[..., None]
    labels = label[..., None].expand(N, S, S, B)
    keep = scores >= conf_threshold
    return [{"boxes": xyxy[n][keep[n]], "scores": scores[n][keep[n]], "labels": labels[n][keep[n]]} for n in range(N)]
''',
        "score is the confidence alone": '''
def decode_yolo(pred, S=7, B=2, num_classes=20, conf_threshold=0.1):
    N = pred.shape[0]
    boxes = pred[..., :5 * B].reshape(N, S, S, B, 5)
    _, label = pred[..., 5 * B:].max(-1)
    rows = torch.arange(S, dtype=pred.dtype).view(1, S, 1, 1)
    cols = torch.arange(S, dtype=pred.dtype).view(1, 1, S, 1)
    xyxy = cxcywh_to_xyxy(torch.stack([(cols + boxes[..., 0]) / S, (rows + boxes[..., 1]) / S, boxes[..., 2], boxes[..., 3]], -1))
    scores = boxes[..., 4]
    labels = label[..., None].expand(N, S, S, B)
    keep = scores >= conf_threshold
    return [{"boxes": xyxy[n][keep[n]], "scores": scores[n][keep[n]], "labels": labels[n][keep[n]]} for n in range(N)]
''',
        "drops a score equal to the threshold": '''
def decode_yolo(pred, S=7, B=2, num_classes=20, conf_threshold=0.1):
    N = pred.shape[0]
    boxes = pred[..., :5 * B].reshape(N, S, S, B, 5)
    best, label = pred[..., 5 * B:].max(-1)
    rows = torch.arange(S, dtype=pred.dtype).view(1, S, 1, 1)
    cols = torch.arange(S, dtype=pred.dtype).view(1, 1, S, 1)
    xyxy = cxcywh_to_xyxy(torch.stack([(cols + boxes[..., 0]) / S, (rows + boxes[..., 1]) / S, boxes[..., 2], boxes[..., 3]], -1))
    scores = boxes[..., 4] * best[..., None]
    labels = label[..., None].expand(N, S, S, B)
    keep = scores > conf_threshold
    return [{"boxes": xyxy[n][keep[n]], "scores": scores[n][keep[n]], "labels": labels[n][keep[n]]} for n in range(N)]
''',
    },
    "nms": {
        "suppresses at IoU >= threshold": '''
def nms(boxes, scores, iou_threshold):
    order = scores.argsort(descending=True)
    overlaps = box_iou(boxes, boxes)
    suppressed = torch.zeros(len(boxes), dtype=torch.bool)
    keep = []
    for index in order.tolist():
        if not suppressed[index]:
            keep.append(index)
            suppressed |= overlaps[index] >= iou_threshold
    return torch.tensor(keep, dtype=torch.int64)
''',
        "kept indices in input order": '''
def nms(boxes, scores, iou_threshold):
    order = scores.argsort(descending=True)
    overlaps = box_iou(boxes, boxes)
    suppressed = torch.zeros(len(boxes), dtype=torch.bool)
    keep = []
    for index in order.tolist():
        if not suppressed[index]:
            keep.append(index)
            suppressed |= overlaps[index] > iou_threshold
    return torch.tensor(sorted(keep), dtype=torch.int64)
''',
        "torchvision's nms through getattr": '''
import torchvision.ops as _ops


def nms(boxes, scores, iou_threshold):
    return getattr(_ops, "n" + "ms")(boxes, scores, iou_threshold)
''',
    },
    "average_precision": {
        "COCO's rule: best unmatched ground truth": '''
def average_precision(pred_boxes, pred_scores, gt_boxes, iou_threshold=0.5):
    num_gt = sum(len(g) for g in gt_boxes)
    if num_gt == 0:
        return float("nan")
    detections = sorted(((s, n, k) for n, ss in enumerate(pred_scores) for k, s in enumerate(ss.tolist())), key=lambda d: -d[0])
    matched = [torch.zeros(len(g), dtype=torch.bool) for g in gt_boxes]
    hits = []
    for _, n, k in detections:
        hit = False
        if len(gt_boxes[n]):
            ious = box_iou(pred_boxes[n][k:k + 1].double(), gt_boxes[n].double())[0]
            ious[matched[n]] = -1.0
            best = int(ious.argmax())
            if ious[best] >= iou_threshold:
                matched[n][best] = hit = True
        hits.append(hit)
    if not hits:
        return 0.0
    tp = torch.tensor(hits, dtype=torch.float64).cumsum(0)
    recall = torch.cat([torch.zeros(1, dtype=torch.float64), tp / num_gt])
    precision = torch.cat([torch.zeros(1, dtype=torch.float64), tp / torch.arange(1, len(hits) + 1)])
    envelope = precision.flip(0).cummax(0).values.flip(0)
    return float(((recall[1:] - recall[:-1]) * envelope[1:]).sum())
''',
        "11-point interpolation (VOC 2007)": '''
def average_precision(pred_boxes, pred_scores, gt_boxes, iou_threshold=0.5):
    num_gt = sum(len(g) for g in gt_boxes)
    if num_gt == 0:
        return float("nan")
    detections = sorted(((s, n, k) for n, ss in enumerate(pred_scores) for k, s in enumerate(ss.tolist())), key=lambda d: -d[0])
    matched = [torch.zeros(len(g), dtype=torch.bool) for g in gt_boxes]
    hits = []
    for _, n, k in detections:
        hit = False
        if len(gt_boxes[n]):
            ious = box_iou(pred_boxes[n][k:k + 1].double(), gt_boxes[n].double())[0]
            best = int(ious.argmax())
            if ious[best] >= iou_threshold and not matched[n][best]:
                matched[n][best] = hit = True
        hits.append(hit)
    if not hits:
        return 0.0
    tp = torch.tensor(hits, dtype=torch.float64).cumsum(0)
    recall, precision = tp / num_gt, tp / torch.arange(1, len(hits) + 1)
    return sum(float(precision[recall >= t].max()) if (recall >= t).any() else 0.0
               for t in torch.linspace(0, 1, 11).tolist()) / 11
''',
        "0 instead of NaN without ground truth": '''
def average_precision(pred_boxes, pred_scores, gt_boxes, iou_threshold=0.5):
    num_gt = sum(len(g) for g in gt_boxes)
    if num_gt == 0:
        return 0.0
    detections = sorted(((s, n, k) for n, ss in enumerate(pred_scores) for k, s in enumerate(ss.tolist())), key=lambda d: -d[0])
    matched = [torch.zeros(len(g), dtype=torch.bool) for g in gt_boxes]
    hits = []
    for _, n, k in detections:
        hit = False
        if len(gt_boxes[n]):
            ious = box_iou(pred_boxes[n][k:k + 1].double(), gt_boxes[n].double())[0]
            best = int(ious.argmax())
            if ious[best] >= iou_threshold and not matched[n][best]:
                matched[n][best] = hit = True
        hits.append(hit)
    if not hits:
        return 0.0
    tp = torch.tensor(hits, dtype=torch.float64).cumsum(0)
    recall = torch.cat([torch.zeros(1, dtype=torch.float64), tp / num_gt])
    precision = torch.cat([torch.zeros(1, dtype=torch.float64), tp / torch.arange(1, len(hits) + 1)])
    envelope = precision.flip(0).cummax(0).values.flip(0)
    return float(((recall[1:] - recall[:-1]) * envelope[1:]).sum())
''',
        "precision not made monotone": '''
def average_precision(pred_boxes, pred_scores, gt_boxes, iou_threshold=0.5):
    num_gt = sum(len(g) for g in gt_boxes)
    if num_gt == 0:
        return float("nan")
    detections = sorted(((s, n, k) for n, ss in enumerate(pred_scores) for k, s in enumerate(ss.tolist())), key=lambda d: -d[0])
    matched = [torch.zeros(len(g), dtype=torch.bool) for g in gt_boxes]
    hits = []
    for _, n, k in detections:
        hit = False
        if len(gt_boxes[n]):
            ious = box_iou(pred_boxes[n][k:k + 1].double(), gt_boxes[n].double())[0]
            best = int(ious.argmax())
            if ious[best] >= iou_threshold and not matched[n][best]:
                matched[n][best] = hit = True
        hits.append(hit)
    if not hits:
        return 0.0
    tp = torch.tensor(hits, dtype=torch.float64).cumsum(0)
    recall = torch.cat([torch.zeros(1, dtype=torch.float64), tp / num_gt])
    precision = tp / torch.arange(1, len(hits) + 1)
    return float(((recall[1:] - recall[:-1]) * precision).sum())
''',
        "the course's version through an alias": '''
from helpers.detection import average_precision as _course_ap


def average_precision(pred_boxes, pred_scores, gt_boxes, iou_threshold=0.5):
    return _course_ap(pred_boxes, pred_scores, gt_boxes, iou_threshold)
''',
        "the course's private helpers, re-imported": '''
def average_precision(pred_boxes, pred_scores, gt_boxes, iou_threshold=0.5):
    import importlib
    detection = importlib.import_module("helpers.detection")
    num_gt = sum(len(g) for g in gt_boxes)
    if num_gt == 0:
        return float("nan")
    detections = sorted(((s, n, k) for n, ss in enumerate(pred_scores) for k, s in enumerate(ss.tolist())), key=lambda d: -d[0])
    matched = [torch.zeros(len(g), dtype=torch.bool) for g in gt_boxes]
    hits = [detection._is_true_positive(pred_boxes[n][k], gt_boxes[n], matched[n], iou_threshold) for _, n, k in detections]
    if not hits:
        return 0.0
    tp = torch.tensor(hits, dtype=torch.float64).cumsum(0)
    return detection._area_under_envelope(tp / num_gt, tp / torch.arange(1, len(hits) + 1, dtype=torch.float64))
''',
        "the course's precision-recall curve, its area taken by hand": '''
from helpers import detection as _course


def average_precision(pred_boxes, pred_scores, gt_boxes, iou_threshold=0.5):
    curve = _course.precision_recall_curve(pred_boxes, pred_scores, gt_boxes, iou_threshold)
    if not sum(len(g) for g in gt_boxes):
        return float("nan")
    recall = torch.cat([torch.zeros(1, dtype=torch.float64), curve.recall])
    return float(((recall[1:] - recall[:-1]) * curve.envelope).sum())
''',
    },
    "mean_average_precision": {
        "plain mean over every label seen": '''
def mean_average_precision(pred_boxes, pred_scores, pred_labels, gt_boxes, gt_labels, iou_threshold=0.5):
    seen = torch.cat([l.reshape(-1) for l in list(gt_labels) + list(pred_labels)]).unique().tolist()
    aps = [average_precision([b[l == c] for b, l in zip(pred_boxes, pred_labels)],
                             [s[l == c] for s, l in zip(pred_scores, pred_labels)],
                             [g[l == c] for g, l in zip(gt_boxes, gt_labels)], iou_threshold) for c in seen]
    return sum(aps) / len(aps)
''',
        "0 when there is no ground truth": '''
def mean_average_precision(pred_boxes, pred_scores, pred_labels, gt_boxes, gt_labels, iou_threshold=0.5):
    classes = torch.cat([l.reshape(-1) for l in gt_labels]).unique().tolist()
    aps = [average_precision([b[l == c] for b, l in zip(pred_boxes, pred_labels)],
                             [s[l == c] for s, l in zip(pred_scores, pred_labels)],
                             [g[l == c] for g, l in zip(gt_boxes, gt_labels)], iou_threshold) for c in classes]
    return sum(aps) / len(aps) if aps else 0.0
''',
        "iou_threshold not passed on": '''
def mean_average_precision(pred_boxes, pred_scores, pred_labels, gt_boxes, gt_labels, iou_threshold=0.5):
    classes = torch.cat([l.reshape(-1) for l in gt_labels]).unique().tolist()
    aps = [average_precision([b[l == c] for b, l in zip(pred_boxes, pred_labels)],
                             [s[l == c] for s, l in zip(pred_scores, pred_labels)],
                             [g[l == c] for g, l in zip(gt_boxes, gt_labels)]) for c in classes]
    return float(torch.tensor(aps, dtype=torch.float64).nanmean())
''',
        "the course's version by default argument": '''
import helpers.detection as _course


def mean_average_precision(pred_boxes, pred_scores, pred_labels, gt_boxes, gt_labels, iou_threshold=0.5,
                           _reference=_course.mean_average_precision):
    return _reference(pred_boxes, pred_scores, pred_labels, gt_boxes, gt_labels, iou_threshold)
''',
    },
}
