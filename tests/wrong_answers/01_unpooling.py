"""Classic wrong answers to 01's exercises: each must fail at least one graded cell of its exercise."""

ANSWERS = {
    "nearest_unpool": {
        "repeat tiles the map instead of repeating each value": '''
def nearest_unpool(x, scale):
    return x.repeat(1, 1, scale, scale)
''',
        "only the height is scaled": '''
def nearest_unpool(x, scale):
    return x.repeat_interleave(scale, dim=-2)
''',
        "always float32 (dtype not kept)": '''
def nearest_unpool(x, scale):
    return x.float().repeat_interleave(scale, dim=-2).repeat_interleave(scale, dim=-1)
''',
    },
    "bed_of_nails_unpool": {
        "nail in the centre of the block, not the top-left": '''
def bed_of_nails_unpool(x, scale):
    n, c, h, w = x.shape
    y = x.new_zeros(n, c, h * scale, w * scale)
    y[..., scale // 2::scale, scale // 2::scale] = x
    return y
''',
        "zeros allocated as float32": '''
def bed_of_nails_unpool(x, scale):
    n, c, h, w = x.shape
    y = torch.zeros(n, c, h * scale, w * scale)
    y[..., ::scale, ::scale] = x
    return y
''',
        "nearest copies instead of nails": '''
def bed_of_nails_unpool(x, scale):
    return x.repeat_interleave(scale, dim=-2).repeat_interleave(scale, dim=-1)
''',
    },
    "max_unpool": {
        "scatter_add sums a pixel chosen by two overlapping windows": '''
def max_unpool(x, indices, output_size):
    h, w = output_size
    y = x.new_zeros(*x.shape[:2], h * w)
    return y.scatter_add(2, indices.flatten(2), x.flatten(2)).view(*x.shape[:2], h, w)
''',
        "F.max_unpool2d bound as a default argument": '''
def max_unpool(x, indices, output_size, _unpool=F.max_unpool2d):
    return _unpool(x, indices, 2, output_size=output_size)
''',
        "torch.ops.aten.max_unpool2d": '''
def max_unpool(x, indices, output_size):
    return torch.ops.aten.max_unpool2d(x, indices, list(output_size))
''',
        "nn.MaxUnpool2d module": '''
def max_unpool(x, indices, output_size):
    return nn.MaxUnpool2d(2)(x, indices, output_size=output_size)
''',
        "output size twice the pooled size, output_size ignored": '''
def max_unpool(x, indices, output_size):
    n, c, h, w = x.shape
    y = x.new_zeros(n, c, 4 * h * w)
    return y.scatter(2, indices.flatten(2), x.flatten(2)).view(n, c, 2 * h, 2 * w)
''',
        "indices read as positions in the whole flattened tensor": '''
def max_unpool(x, indices, output_size):
    h, w = output_size
    y = x.new_zeros(x.shape[0] * x.shape[1] * h * w)
    y[indices.flatten()] = x.flatten()
    return y.view(*x.shape[:2], h, w)
''',
    },
    "transposed_conv_output_size": {
        "output_padding forgotten": '''
def transposed_conv_output_size(size, kernel_size, stride=1, padding=0, output_padding=0):
    return (size - 1) * stride - 2 * padding + kernel_size
''',
        "padding cropped on one side only": '''
def transposed_conv_output_size(size, kernel_size, stride=1, padding=0, output_padding=0):
    return (size - 1) * stride - padding + kernel_size + output_padding
''',
        "size times stride (off by the kernel)": '''
def transposed_conv_output_size(size, kernel_size, stride=1, padding=0, output_padding=0):
    return size * stride - 2 * padding + output_padding
''',
        "returns a float": '''
def transposed_conv_output_size(size, kernel_size, stride=1, padding=0, output_padding=0):
    return (size - 1) * stride - 2 * padding + kernel_size + output_padding + 0.0
''',
    },
    "conv_transpose2d_naive": {
        "weight read as (C_out, C_in, k, k): swapped channel axes": '''
def conv_transpose2d_naive(x, weight, bias=None, stride=1, padding=0):
    n, c_in, h, w = x.shape
    c_out, k = weight.shape[1], weight.shape[-1]
    y = x.new_zeros(n, c_out, (h - 1) * stride + k, (w - 1) * stride + k)
    for p in range(h):
        for q in range(w):
            y[:, :, stride * p:stride * p + k, stride * q:stride * q + k] += torch.einsum("nc,ockl->nokl", x[:, :, p, q], weight)
    y = y[:, :, padding:y.shape[2] - padding, padding:y.shape[3] - padding]
    return y if bias is None else y + bias.view(1, -1, 1, 1)
''',
        "copies flipped (kernel rotated by 180 degrees)": '''
def conv_transpose2d_naive(x, weight, bias=None, stride=1, padding=0):
    n, c_in, h, w = x.shape
    c_out, k = weight.shape[1], weight.shape[-1]
    y = x.new_zeros(n, c_out, (h - 1) * stride + k, (w - 1) * stride + k)
    for p in range(h):
        for q in range(w):
            y[:, :, stride * p:stride * p + k, stride * q:stride * q + k] += torch.einsum("nc,cokl->nokl", x[:, :, p, q], weight.flip(-2, -1))
    y = y[:, :, padding:y.shape[2] - padding, padding:y.shape[3] - padding]
    return y if bias is None else y + bias.view(1, -1, 1, 1)
''',
        "bias added once per copy": '''
def conv_transpose2d_naive(x, weight, bias=None, stride=1, padding=0):
    n, c_in, h, w = x.shape
    c_out, k = weight.shape[1], weight.shape[-1]
    y = x.new_zeros(n, c_out, (h - 1) * stride + k, (w - 1) * stride + k)
    for p in range(h):
        for q in range(w):
            copy = torch.einsum("nc,cokl->nokl", x[:, :, p, q], weight)
            if bias is not None:
                copy = copy + bias.view(1, -1, 1, 1)
            y[:, :, stride * p:stride * p + k, stride * q:stride * q + k] += copy
    return y[:, :, padding:y.shape[2] - padding, padding:y.shape[3] - padding]
''',
        "padding cropped at the top/left only": '''
def conv_transpose2d_naive(x, weight, bias=None, stride=1, padding=0):
    n, c_in, h, w = x.shape
    c_out, k = weight.shape[1], weight.shape[-1]
    y = x.new_zeros(n, c_out, (h - 1) * stride + k, (w - 1) * stride + k)
    for p in range(h):
        for q in range(w):
            y[:, :, stride * p:stride * p + k, stride * q:stride * q + k] += torch.einsum("nc,cokl->nokl", x[:, :, p, q], weight)
    y = y[:, :, padding:, padding:]
    return y if bias is None else y + bias.view(1, -1, 1, 1)
''',
        "batch forgotten: the first image's copies everywhere": '''
def conv_transpose2d_naive(x, weight, bias=None, stride=1, padding=0):
    n, c_in, h, w = x.shape
    c_out, k = weight.shape[1], weight.shape[-1]
    y = x.new_zeros(n, c_out, (h - 1) * stride + k, (w - 1) * stride + k)
    for p in range(h):
        for q in range(w):
            y[:, :, stride * p:stride * p + k, stride * q:stride * q + k] += torch.einsum("c,cokl->okl", x[0, :, p, q], weight)
    y = y[:, :, padding:y.shape[2] - padding, padding:y.shape[3] - padding]
    return y if bias is None else y + bias.view(1, -1, 1, 1)
''',
        "output allocated as float32": '''
def conv_transpose2d_naive(x, weight, bias=None, stride=1, padding=0):
    n, c_in, h, w = x.shape
    c_out, k = weight.shape[1], weight.shape[-1]
    y = torch.zeros(n, c_out, (h - 1) * stride + k, (w - 1) * stride + k)
    for p in range(h):
        for q in range(w):
            y[:, :, stride * p:stride * p + k, stride * q:stride * q + k] += torch.einsum("nc,cokl->nokl", x[:, :, p, q], weight).float()
    y = y[:, :, padding:y.shape[2] - padding, padding:y.shape[3] - padding]
    return y if bias is None else y + bias.float().view(1, -1, 1, 1)
''',
        "weight transposed in place to conv2d's layout": '''
def conv_transpose2d_naive(x, weight, bias=None, stride=1, padding=0):
    n, c_in, h, w = x.shape
    weight = weight.transpose_(0, 1)  # now (C_out, C_in, k, k) - but the caller's tensor is changed too
    c_out, k = weight.shape[0], weight.shape[-1]
    y = x.new_zeros(n, c_out, (h - 1) * stride + k, (w - 1) * stride + k)
    for p in range(h):
        for q in range(w):
            y[:, :, stride * p:stride * p + k, stride * q:stride * q + k] += torch.einsum("nc,ockl->nokl", x[:, :, p, q], weight)
    y = y[:, :, padding:y.shape[2] - padding, padding:y.shape[3] - padding]
    return y if bias is None else y + bias.view(1, -1, 1, 1)
''',
        "F.conv_transpose2d bound as a default argument": '''
def conv_transpose2d_naive(x, weight, bias=None, stride=1, padding=0, _tconv=F.conv_transpose2d):
    return _tconv(x, weight, bias, stride, padding)
''',
        "torch.nn.grad.conv2d_input (the library's transposed conv)": '''
def conv_transpose2d_naive(x, weight, bias=None, stride=1, padding=0):
    n, c, h, w = x.shape
    k = weight.shape[-1]
    size = (n, weight.shape[1], (h - 1) * stride - 2 * padding + k, (w - 1) * stride - 2 * padding + k)
    y = torch.nn.grad.conv2d_input(size, weight, x, stride=stride, padding=padding)
    return y if bias is None else y + bias.view(1, -1, 1, 1)
''',
    },
}
