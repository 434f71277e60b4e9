"""Classic wrong answers to 02's exercises: each must fail at least one graded cell of its exercise."""

ANSWERS = {
    "overlap_map": {
        "output size without the kernel": '''
def overlap_map(kernel_size, stride, in_size):
    out = in_size * stride
    counts = torch.zeros(out, out)
    for p in range(in_size):
        for q in range(in_size):
            counts[p * stride:p * stride + kernel_size, q * stride:q * stride + kernel_size] += 1
    return counts
''',
    },
}
