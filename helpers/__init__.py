"""Helpers for the CV seminar notebooks: setup, images, plots, results tables, timing, training, VGG19, offline VOC.

Shared by several notebooks, imported from their modules: helpers.style (Gram matrix, style/content/TV losses),
helpers.layers (ResizeConv2d), helpers.artifacts (checkerboard_score), helpers.detection (VOC boxes, mAP),
helpers.checkpoints (weights in call order, and the pretrained weights in helpers/data/ that notebook 08 loads).
"""
from .images import SKIMAGE_IMAGES, load_image, read_rgb_array, save_image, to_numpy_image, to_uint8
from .models import VGG19Features, vgg19_features, vgg19_layer_names
from .plots import (draw_boxes, overlay_segmentation, plot_history, show_images, show_matrices,
                    show_matrix)
from .report import results_table, save_results
from .setup import Budget, pick_device, run_mode, seed_everything, setup
from .timing import seconds_per_call
from .training import evaluate, train, train_resumable
