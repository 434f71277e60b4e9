"""VOC annotations become torchvision-convention boxes, and VOC mAP matches hand-computed cases."""
import math

import pytest
import torch
from torchvision.datasets import VOCDetection

from helpers.detection import (VOC_OBJECT_CLASSES, average_precision, mean_average_precision, parse_voc_annotation,
                               precision_recall_curve)
from helpers.voc import find_voc_root


def test_parse_voc_annotation_gives_continuous_xyxy_boxes(tmp_path):
    root = find_voc_root("fast", root=tmp_path, num_train=3, num_val=1, image_size=(64, 48))
    image, target = VOCDetection(root, year="2012", image_set="train")[0]
    parsed = parse_voc_annotation(target)
    first = target["annotation"]["object"][0]
    assert parsed["size"] == (48, 64) and parsed["boxes"].dtype == torch.float32
    assert parsed["boxes"][0].tolist() == [int(first["bndbox"]["xmin"]) - 1, int(first["bndbox"]["ymin"]) - 1,
                                           int(first["bndbox"]["xmax"]), int(first["bndbox"]["ymax"])]
    assert VOC_OBJECT_CLASSES[parsed["labels"][0]] == first["name"]
    assert (parsed["boxes"][:, 2:] <= torch.tensor([64, 48])).all()


def box(x0, y0, x1, y1):
    return torch.tensor([[x0, y0, x1, y1]], dtype=torch.float32)


def test_average_precision_of_perfect_detections_is_one_and_of_none_is_zero():
    gt = [box(0, 0, 10, 10), box(5, 5, 20, 20)]
    assert average_precision(gt, [torch.tensor([0.9]), torch.tensor([0.8])], gt) == pytest.approx(1.0)
    empty = [torch.zeros(0, 4), torch.zeros(0, 4)]
    assert average_precision(empty, [torch.zeros(0), torch.zeros(0)], gt) == 0.0


def test_average_precision_counts_duplicates_as_false_positives_and_uses_the_envelope():
    gt = [torch.cat([box(0, 0, 10, 10), box(20, 20, 30, 30)])]
    # ranks: hit, duplicate of the same object, miss, hit -> precision 1, 1/2, 1/3, 1/2 at recall .5, .5, .5, 1
    preds = [torch.cat([box(0, 0, 10, 10), box(0, 0, 10, 9), box(50, 50, 60, 60), box(20, 20, 30, 30)])]
    scores = [torch.tensor([0.9, 0.8, 0.7, 0.6])]
    assert average_precision(preds, scores, gt) == pytest.approx(0.5 * 1.0 + 0.5 * 0.5)


def test_precision_recall_curve_ranks_detections_and_draws_the_envelope_under_the_ap():
    gt = [torch.cat([box(0, 0, 10, 10), box(20, 20, 30, 30)]), box(40, 40, 50, 50)]
    # by score: hit (image 0), miss, duplicate, hit (image 1) -> precision 1, 1/2, 1/3, 1/2 at recall 1/3, 1/3, 1/3, 2/3
    preds = [torch.cat([box(0, 0, 10, 10), box(60, 60, 70, 70), box(1, 0, 10, 10)]), box(40, 40, 50, 49)]
    scores = [torch.tensor([0.9, 0.8, 0.7]), torch.tensor([0.6])]
    curve = precision_recall_curve(preds, scores, gt)
    assert curve.recall.tolist() == pytest.approx([1 / 3, 1 / 3, 1 / 3, 2 / 3])
    assert curve.precision.tolist() == pytest.approx([1, 1 / 2, 1 / 3, 1 / 2])
    assert curve.envelope.tolist() == pytest.approx([1, 1 / 2, 1 / 2, 1 / 2])
    assert curve.ap == pytest.approx(1 / 3 * 1 + 1 / 3 * 1 / 2) == average_precision(preds, scores, gt)
    nothing = precision_recall_curve([torch.zeros(0, 4)] * 2, [torch.zeros(0)] * 2, gt)
    assert nothing.ap == 0.0 and nothing.recall.shape == (0,)
    assert math.isnan(precision_recall_curve(preds, scores, [torch.zeros(0, 4)] * 2).ap)


def test_average_precision_matches_like_the_voc_devkit():
    # ground truths A = [0,0,10,10], B = [5,0,15,10]. By decreasing score:
    #   d1 = A exactly          IoU(A) = 1,                 IoU(B) = 50/150 = 1/3 -> TP (takes A)
    #   d2 = [2,0,12,10]        IoU(A) = 80/120 = 2/3 best, IoU(B) = 70/130 = 7/13 -> FP: its best, A, is taken
    #   d3 = B exactly          IoU(B) = 1                                           -> TP (takes B)
    # precision 1, 1/2, 2/3 at recall 1/2, 1/2, 1 -> AP = 1/2 * 1 + 1/2 * 2/3 = 5/6. Matching d2 to the best
    # *unmatched* ground truth (COCO's rule) would make d2 a TP, d3 a FP and AP 1.
    gt = [torch.cat([box(0, 0, 10, 10), box(5, 0, 15, 10)])]
    preds = [torch.cat([box(0, 0, 10, 10), box(2, 0, 12, 10), box(5, 0, 15, 10)])]
    assert average_precision(preds, [torch.tensor([0.9, 0.8, 0.7])], gt) == pytest.approx(5 / 6)


def test_nothing_to_measure_is_nan():
    detections = [box(0, 0, 10, 10)]
    assert math.isnan(average_precision(detections, [torch.tensor([0.9])], [torch.zeros(0, 4)]))
    assert math.isnan(average_precision([torch.zeros(0, 4)], [torch.zeros(0)], [torch.zeros(0, 4)]))
    no_gt = [torch.zeros(0, 4)], [torch.zeros(0, dtype=torch.long)]
    assert math.isnan(mean_average_precision(detections, [torch.tensor([0.9])], [torch.tensor([3])], *no_gt))


def test_mean_average_precision_averages_classes_with_ground_truth_only():
    gt_boxes, gt_labels = [torch.cat([box(0, 0, 10, 10), box(20, 20, 30, 30)])], [torch.tensor([0, 1])]
    preds = [torch.cat([box(0, 0, 10, 10), box(50, 50, 60, 60), box(0, 0, 5, 5)])]
    scores, labels = [torch.tensor([0.9, 0.8, 0.7])], [torch.tensor([0, 1, 7])]
    # class 0: AP 1; class 1: its only detection misses, AP 0; class 7 has no ground truth and is not averaged
    assert mean_average_precision(preds, scores, labels, gt_boxes, gt_labels) == pytest.approx(0.5)
