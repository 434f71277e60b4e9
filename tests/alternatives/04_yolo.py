"""Correct answers to 04's exercises written in other idioms: each must pass every graded cell of its exercise."""

ANSWERS = {
    "cxcywh_to_xyxy": {
        "cat of centre -/+ half size": '''
def cxcywh_to_xyxy(boxes):
    centre, half = boxes[..., :2], boxes[..., 2:] / 2
    return torch.cat([centre - half, centre + half], dim=-1)
''',
        "matrix product": '''
def cxcywh_to_xyxy(boxes):
    corners = torch.tensor([[1, 0, 1, 0], [0, 1, 0, 1], [-0.5, 0, 0.5, 0], [0, -0.5, 0, 0.5]], dtype=boxes.dtype)
    return boxes @ corners
''',
    },
    "xyxy_to_cxcywh": {
        "cat of mean and difference": '''
def xyxy_to_cxcywh(boxes):
    top_left, bottom_right = boxes[..., :2], boxes[..., 2:]
    return torch.cat([(top_left + bottom_right) * 0.5, bottom_right - top_left], dim=-1)
''',
        "matrix product": '''
def xyxy_to_cxcywh(boxes):
    centre_size = torch.tensor([[0.5, 0, -1, 0], [0, 0.5, 0, -1], [0.5, 0, 1, 0], [0, 0.5, 0, 1]], dtype=boxes.dtype)
    return boxes @ centre_size
''',
    },
    "box_iou": {
        "epsilon 1e-6 in the denominator": '''
def box_iou(boxes1, boxes2):
    lt = torch.max(boxes1[:, None, :2], boxes2[None, :, :2])
    rb = torch.min(boxes1[:, None, 2:], boxes2[None, :, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    area1 = (boxes1[:, 2] - boxes1[:, 0]) * (boxes1[:, 3] - boxes1[:, 1])
    area2 = (boxes2[:, 2] - boxes2[:, 0]) * (boxes2[:, 3] - boxes2[:, 1])
    return inter / (area1[:, None] + area2[None, :] - inter + 1e-6)
''',
        "epsilon 1e-9 in the denominator": '''
def box_iou(boxes1, boxes2):
    x1 = torch.maximum(boxes1[:, None, 0], boxes2[None, :, 0])
    y1 = torch.maximum(boxes1[:, None, 1], boxes2[None, :, 1])
    x2 = torch.minimum(boxes1[:, None, 2], boxes2[None, :, 2])
    y2 = torch.minimum(boxes1[:, None, 3], boxes2[None, :, 3])
    inter = (x2 - x1).clamp(min=0) * (y2 - y1).clamp(min=0)
    area1 = (boxes1[:, 2] - boxes1[:, 0]) * (boxes1[:, 3] - boxes1[:, 1])
    area2 = (boxes2[:, 2] - boxes2[:, 0]) * (boxes2[:, 3] - boxes2[:, 1])
    return inter / (area1[:, None] + area2[None, :] - inter + 1e-9)
''',
        "loop over pairs, nan_to_num": '''
def box_iou(boxes1, boxes2):
    out = torch.zeros(len(boxes1), len(boxes2), dtype=boxes1.dtype)
    for n, a in enumerate(boxes1):
        for m, b in enumerate(boxes2):
            w = (torch.min(a[2], b[2]) - torch.max(a[0], b[0])).clamp(min=0)
            h = (torch.min(a[3], b[3]) - torch.max(a[1], b[1])).clamp(min=0)
            union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h
            out[n, m] = (w * h / union).nan_to_num(0.0)
    return out
''',
    },
    "localization_loss": {
        "log-softmax and smooth-L1 by hand": '''
def localization_loss(class_logits, box_pred, labels, box_target, box_weight=1.0):
    ce = -class_logits.log_softmax(dim=1).gather(1, labels[:, None]).mean()
    d = (box_pred - box_target).abs()
    return ce + box_weight * torch.where(d < 1, 0.5 * d * d, d - 0.5).mean()
''',
        "nll_loss + huber_loss(delta=1)": '''
def localization_loss(class_logits, box_pred, labels, box_target, box_weight=1.0):
    return (F.nll_loss(F.log_softmax(class_logits, dim=-1), labels)
            + box_weight * F.huber_loss(box_pred, box_target, delta=1.0))
''',
    },
    "encode_yolo_targets": {
        "reverse loop, later boxes overwritten": '''
def encode_yolo_targets(boxes, labels, S=7, num_classes=20):
    target = torch.zeros(S, S, 5 + num_classes, dtype=boxes.dtype)
    for k in reversed(range(len(boxes))):
        x1, y1, x2, y2 = boxes[k]
        cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
        i, j = min(int(cy * S), S - 1), min(int(cx * S), S - 1)
        target[i, j] = 0
        target[i, j, 0], target[i, j, 1] = cx * S - j, cy * S - i
        target[i, j, 2], target[i, j, 3], target[i, j, 4] = x2 - x1, y2 - y1, 1
        target[i, j, 5 + int(labels[k])] = 1
    return target
''',
        "cells as a set, one-hot from F.one_hot": '''
def encode_yolo_targets(boxes, labels, S=7, num_classes=20):
    target = torch.zeros(S, S, 5 + num_classes, dtype=boxes.dtype)
    taken = set()
    centre_size = xyxy_to_cxcywh(boxes)
    for box, label in zip(centre_size, labels):
        cell = (min(math.floor(float(box[1]) * S), S - 1), min(math.floor(float(box[0]) * S), S - 1))
        if cell in taken:
            continue
        taken.add(cell)
        offset = box[:2] * S - torch.tensor([cell[1], cell[0]], dtype=boxes.dtype)
        one = torch.ones(1, dtype=boxes.dtype)
        target[cell] = torch.cat([offset, box[2:], one, F.one_hot(label, num_classes).to(boxes.dtype)])
    return target
''',
    },
    "yolo_loss": {
        "epsilon under the root": '''
def yolo_loss(pred, target, S=7, B=2, num_classes=20, lambda_coord=5.0, lambda_noobj=0.5):
    N = pred.shape[0]
    boxes = pred[..., :5 * B].reshape(N, S, S, B, 5)
    obj = target[..., 4] > 0
    with torch.no_grad():
        p_wh, t_wh = boxes[..., 2:4].clamp(min=0), target[..., None, 2:4]
        p_c, t_c = boxes[..., :2] / S, target[..., None, :2] / S
        lo = torch.maximum(p_c - p_wh / 2, t_c - t_wh / 2)
        hi = torch.minimum(p_c + p_wh / 2, t_c + t_wh / 2)
        inter = (hi - lo).clamp(min=0).prod(-1)
        union = p_wh.prod(-1) + t_wh.prod(-1) - inter
        iou = torch.where(union > 0, inter / union.clamp(min=1e-12), torch.zeros_like(union))
    resp = F.one_hot(iou.argmax(-1), B).bool() & obj[..., None]
    p, t = boxes[resp], target[obj]
    root = lambda v: (v.clamp(min=0) + 1e-6).sqrt()
    loss = lambda_coord * ((p[:, :2] - t[:, :2]) ** 2).sum()
    loss = loss + lambda_coord * ((root(p[:, 2:4]) - root(t[:, 2:4])) ** 2).sum()
    loss = loss + ((p[:, 4] - iou[resp]) ** 2).sum() + lambda_noobj * (boxes[..., 4][~resp] ** 2).sum()
    loss = loss + ((pred[..., 5 * B:][obj] - t[:, 5:]) ** 2).sum()
    return loss / N
''',
        "loop over cells": '''
def yolo_loss(pred, target, S=7, B=2, num_classes=20, lambda_coord=5.0, lambda_noobj=0.5):
    total = pred.new_zeros(())
    for n in range(pred.shape[0]):
        for i in range(S):
            for j in range(S):
                cell, t = pred[n, i, j], target[n, i, j]
                confs = cell[4:5 * B:5]
                if t[4] > 0:
                    t_box = torch.stack([t[0] / S, t[1] / S, t[2], t[3]])
                    ious = []
                    for b in range(B):
                        p = cell[5 * b:5 * b + 4].detach()
                        p_box = torch.stack([p[0] / S, p[1] / S, p[2].clamp(min=0), p[3].clamp(min=0)])
                        iou = box_iou(cxcywh_to_xyxy(p_box)[None], cxcywh_to_xyxy(t_box)[None])[0, 0]
                        ious.append(iou)
                    best = int(torch.stack(ious).argmax())
                    p = cell[5 * best:5 * best + 5]
                    total = total + lambda_coord * ((p[:2] - t[:2]) ** 2).sum()
                    total = total + lambda_coord * ((p[2:4].clamp(min=0).sqrt() - t[2:4].sqrt()) ** 2).sum()
                    total = total + (p[4] - ious[best]) ** 2 + ((cell[5 * B:] - t[5:]) ** 2).sum()
                    others = torch.ones(B, dtype=torch.bool)
                    others[best] = False
                    total = total + lambda_noobj * (confs[others] ** 2).sum()
                else:
                    total = total + lambda_noobj * (confs ** 2).sum()
    return total / pred.shape[0]
''',
    },
    "decode_yolo": {
        "loops over images, cells and predictors": '''
def decode_yolo(pred, S=7, B=2, num_classes=20, conf_threshold=0.1):
    out = []
    for n in range(pred.shape[0]):
        boxes, scores, labels = [], [], []
        for i in range(S):
            for j in range(S):
                best, label = pred[n, i, j, 5 * B:].max(0)
                for b in range(B):
                    x, y, w, h, conf = pred[n, i, j, 5 * b:5 * b + 5]
                    if conf * best >= conf_threshold:
                        cx, cy = (j + x) / S, (i + y) / S
                        boxes.append(torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]))
                        scores.append(conf * best)
                        labels.append(int(label))
        out.append({"boxes": torch.stack(boxes) if boxes else pred.new_zeros(0, 4),
                    "scores": torch.stack(scores) if scores else pred.new_zeros(0),
                    "labels": torch.tensor(labels, dtype=torch.int64)})
    return out
''',
        "meshgrid and flattening": '''
def decode_yolo(pred, S=7, B=2, num_classes=20, conf_threshold=0.1):
    N = pred.shape[0]
    rows, cols = torch.meshgrid(torch.arange(S), torch.arange(S), indexing="ij")
    boxes = pred[..., :5 * B].unflatten(-1, (B, 5))
    cx = (cols[None, :, :, None] + boxes[..., 0]) / S
    cy = (rows[None, :, :, None] + boxes[..., 1]) / S
    xyxy = cxcywh_to_xyxy(torch.stack([cx, cy, boxes[..., 2], boxes[..., 3]], -1)).reshape(N, -1, 4)
    probability, label = pred[..., 5 * B:].max(-1)
    scores = (boxes[..., 4] * probability[..., None]).reshape(N, -1)
    labels = label[..., None].repeat(1, 1, 1, B).reshape(N, -1)
    return [{"boxes": xyxy[n][scores[n] >= conf_threshold], "scores": scores[n][scores[n] >= conf_threshold],
             "labels": labels[n][scores[n] >= conf_threshold]} for n in range(N)]
''',
    },
    "nms": {
        "while loop on the sorted order, IoU by hand": '''
def nms(boxes, scores, iou_threshold):
    order = torch.sort(scores, descending=True).indices
    keep = []
    while order.numel() > 0:
        best = order[0]
        keep.append(int(best))
        rest = boxes[order[1:]]
        lt = torch.maximum(rest[:, :2], boxes[best, :2])
        rb = torch.minimum(rest[:, 2:], boxes[best, 2:])
        inter = (rb - lt).clamp(min=0).prod(1)
        area = lambda b: (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])
        iou = inter / (area(rest) + area(boxes[best]) - inter)
        order = order[1:][iou <= iou_threshold]
    return torch.tensor(keep, dtype=torch.long)
''',
        "box_iou row by row, list of kept indices": '''
def nms(boxes, scores, iou_threshold):
    keep = []
    for index in sorted(range(len(scores)), key=lambda k: -float(scores[k])):
        if all(float(box_iou(boxes[index:index + 1], boxes[k:k + 1])) <= iou_threshold for k in keep):
            keep.append(index)
    return torch.as_tensor(keep, dtype=torch.int64).reshape(-1)
''',
    },
    "average_precision": {
        "numpy port of the devkit (VOCevaldet + VOCap)": '''
def average_precision(pred_boxes, pred_scores, gt_boxes, iou_threshold=0.5):
    import numpy as np
    npos = sum(len(g) for g in gt_boxes)
    if npos == 0:
        return float("nan")
    image_ids = np.concatenate([np.full(len(s), n) for n, s in enumerate(pred_scores)] + [np.zeros(0, int)]).astype(int)
    confidence = np.concatenate([s.double().numpy() for s in pred_scores] + [np.zeros(0)])
    boxes = np.concatenate([b.double().numpy().reshape(-1, 4) for b in pred_boxes] + [np.zeros((0, 4))])
    order = np.argsort(-confidence, kind="stable")
    detected = [np.zeros(len(g), bool) for g in gt_boxes]
    tp, fp = np.zeros(len(order)), np.zeros(len(order))
    for d, k in enumerate(order):
        gt = gt_boxes[image_ids[k]].double().numpy().reshape(-1, 4)
        ovmax, jmax = -np.inf, -1
        if len(gt):
            ov = box_iou(torch.from_numpy(boxes[k:k + 1]), torch.from_numpy(gt))[0].numpy()
            jmax = int(ov.argmax())
            ovmax = ov[jmax]
        if ovmax >= iou_threshold and not detected[image_ids[k]][jmax]:
            tp[d] = 1
            detected[image_ids[k]][jmax] = True
        else:
            fp[d] = 1
    tp, fp = np.cumsum(tp), np.cumsum(fp)
    rec, prec = tp / npos, tp / np.maximum(tp + fp, np.finfo(np.float64).eps)
    mrec, mpre = np.concatenate([[0], rec, [1]]), np.concatenate([[0], prec, [0]])
    for i in range(len(mpre) - 2, -1, -1):
        mpre[i] = max(mpre[i], mpre[i + 1])
    i = np.where(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1]))
''',
        "float32 torch, precision envelope by a Python loop": '''
def average_precision(pred_boxes, pred_scores, gt_boxes, iou_threshold=0.5):
    num_gt = sum(g.shape[0] for g in gt_boxes)
    if num_gt == 0:
        return float("nan")
    scores = torch.cat([s.float() for s in pred_scores] + [torch.zeros(0)])
    images = torch.cat([torch.full((len(s),), n) for n, s in enumerate(pred_scores)] + [torch.zeros(0, dtype=torch.long)])
    boxes = torch.cat([b.float().reshape(-1, 4) for b in pred_boxes] + [torch.zeros(0, 4)])
    order = torch.sort(scores, descending=True, stable=True).indices
    taken = {n: set() for n in range(len(gt_boxes))}
    tp = []
    for k in order.tolist():
        n, gt = int(images[k]), gt_boxes[int(images[k])].float()
        ious = box_iou(boxes[k:k + 1], gt)[0] if len(gt) else torch.zeros(0)
        best = int(ious.argmax()) if len(gt) else -1
        ok = best >= 0 and float(ious[best]) >= iou_threshold and best not in taken[n]
        if ok:
            taken[n].add(best)
        tp.append(1.0 if ok else 0.0)
    ap, best_after, cum = 0.0, 0.0, torch.tensor(tp).cumsum(0)
    precision = [float(c) / (i + 1) for i, c in enumerate(cum)]
    recall = [float(c) / num_gt for c in cum]
    for i in range(len(tp) - 1, -1, -1):
        best_after = max(best_after, precision[i])
        ap += (recall[i] - (recall[i - 1] if i else 0.0)) * best_after
    return ap
''',
    },
    "mean_average_precision": {
        "all labels seen, nanmean": '''
def mean_average_precision(pred_boxes, pred_scores, pred_labels, gt_boxes, gt_labels, iou_threshold=0.5):
    seen = torch.cat([l.reshape(-1) for l in list(gt_labels) + list(pred_labels)]).unique().tolist()
    aps = torch.tensor([average_precision([b[l == c] for b, l in zip(pred_boxes, pred_labels)],
                                          [s[l == c] for s, l in zip(pred_scores, pred_labels)],
                                          [g[l == c] for g, l in zip(gt_boxes, gt_labels)], iou_threshold)
                        for c in seen], dtype=torch.float64)
    return aps.nanmean().item()
''',
        "classes with ground truth, explicit NaN": '''
def mean_average_precision(pred_boxes, pred_scores, pred_labels, gt_boxes, gt_labels, iou_threshold=0.5):
    classes = sorted({int(c) for labels in gt_labels for c in labels})
    if not classes:
        return float("nan")
    total = 0.0
    for c in classes:
        total += average_precision([b[l == c] for b, l in zip(pred_boxes, pred_labels)],
                                   [s[l == c] for s, l in zip(pred_scores, pred_labels)],
                                   [g[l == c] for g, l in zip(gt_boxes, gt_labels)], iou_threshold=iou_threshold)
    return total / len(classes)
''',
    },
}
