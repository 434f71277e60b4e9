"""Correct answers to 02's exercises written in other idioms: each must pass every graded cell of its exercise."""

ANSWERS = {
    "overlap_map": {
        "outer product of 1-D counts": '''
def overlap_map(kernel_size, stride, in_size):
    """(H_out, W_out) float32 map: how many k x k footprints of a stride-s transposed conv cover each output pixel."""
    out = (in_size - 1) * stride + kernel_size
    row = torch.zeros(out)
    for p in range(in_size):
        row[p * stride:p * stride + kernel_size] += 1
    return torch.outer(row, row)
''',
    },
}
