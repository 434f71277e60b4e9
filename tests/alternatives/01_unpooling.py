"""Correct answers to 01's exercises written in other idioms: each must pass every graded cell of its exercise."""

ANSWERS = {
    "nearest_unpool": {
        "F.interpolate (the library is allowed here)": '''
def nearest_unpool(x, scale):
    return F.interpolate(x, scale_factor=scale, mode="nearest")
''',
        "gather with integer index vectors": '''
def nearest_unpool(x, scale):
    rows = torch.arange(x.shape[-2] * scale) // scale
    cols = torch.arange(x.shape[-1] * scale) // scale
    return x[..., rows, :][..., cols]
''',
        "expand a broadcast view, then reshape": '''
def nearest_unpool(x, scale):
    n, c, h, w = x.shape
    return x[:, :, :, None, :, None].expand(n, c, h, scale, w, scale).reshape(n, c, h * scale, w * scale)
''',
        "Kronecker product with a block of ones": '''
def nearest_unpool(x, scale):
    return torch.kron(x, torch.ones(1, 1, scale, scale, dtype=x.dtype))
''',
    },
    "bed_of_nails_unpool": {
        "nearest copy times a mask of the nails": '''
def bed_of_nails_unpool(x, scale):
    y = x.repeat_interleave(scale, dim=-2).repeat_interleave(scale, dim=-1)
    rows = torch.arange(y.shape[-2]) % scale == 0
    cols = torch.arange(y.shape[-1]) % scale == 0
    return y * (rows[:, None] & cols[None, :]).to(x.dtype)
''',
        "grouped transposed conv with a one-hot kernel (library allowed)": '''
def bed_of_nails_unpool(x, scale):
    c = x.shape[1]
    kernel = torch.zeros(c, 1, scale, scale, dtype=x.dtype)
    kernel[:, :, 0, 0] = 1
    return F.conv_transpose2d(x, kernel, stride=scale, groups=c)
''',
        "Python loops over input pixels": '''
def bed_of_nails_unpool(x, scale):
    n, c, h, w = x.shape
    y = torch.zeros(n, c, h * scale, w * scale, dtype=x.dtype)
    for i in range(h):
        for j in range(w):
            y[:, :, i * scale, j * scale] = x[:, :, i, j]
    return y
''',
    },
    "max_unpool": {
        "index_put_ with advanced indexing": '''
def max_unpool(x, indices, output_size):
    n, c = x.shape[:2]
    h, w = output_size
    y = torch.zeros(n * c, h * w, dtype=x.dtype)
    rows = torch.arange(n * c)[:, None].expand(-1, indices[0, 0].numel())
    y.index_put_((rows, indices.reshape(n * c, -1)), x.reshape(n * c, -1))
    return y.reshape(n, c, h, w)
''',
        "in-place scatter_ on a fresh zero map": '''
def max_unpool(x, indices, output_size):
    y = torch.zeros(*x.shape[:2], output_size[0] * output_size[1], dtype=x.dtype)
    y.scatter_(-1, indices.flatten(start_dim=2), x.flatten(start_dim=2))
    return y.unflatten(-1, tuple(output_size))
''',
        "Python loop over every pooled value": '''
def max_unpool(x, indices, output_size):
    n, c, h, w = x.shape
    H, W = output_size
    y = x.new_zeros(n, c, H, W)
    for a in range(n):
        for b in range(c):
            for i in range(h):
                for j in range(w):
                    flat = int(indices[a, b, i, j])
                    y[a, b, flat // W, flat % W] = x[a, b, i, j]
    return y
''',
    },
    "transposed_conv_output_size": {
        "dilation form of the formula": '''
def transposed_conv_output_size(size, kernel_size, stride=1, padding=0, output_padding=0):
    return stride * (size - 1) + (kernel_size - 1) - 2 * padding + output_padding + 1
''',
        "ask the library on an empty map (allowed here)": '''
def transposed_conv_output_size(size, kernel_size, stride=1, padding=0, output_padding=0):
    out = F.conv_transpose2d(torch.zeros(1, 1, size, 1), torch.zeros(1, 1, kernel_size, 1), stride=(stride, 1),
                             padding=(padding, 0), output_padding=(output_padding, 0))
    return out.shape[-2]
''',
    },
    "conv_transpose2d_naive": {
        "gather: conv2d of the zero-stuffed input with the rotated, channel-swapped kernel": '''
def conv_transpose2d_naive(x, weight, bias=None, stride=1, padding=0):
    n, c, h, w = x.shape
    k = weight.shape[-1]
    stuffed = x.new_zeros(n, c, (h - 1) * stride + 1, (w - 1) * stride + 1)
    stuffed[..., ::stride, ::stride] = x
    full = F.conv2d(F.pad(stuffed, [k - 1] * 4), weight.flip(-2, -1).transpose(0, 1))
    y = full[..., padding:full.shape[-2] - padding, padding:full.shape[-1] - padding]
    return y if bias is None else y + bias[:, None, None]
''',
        "loop over kernel taps, every input position at once": '''
def conv_transpose2d_naive(x, weight, bias=None, stride=1, padding=0):
    n, c_in, h, w = x.shape
    c_out, k = weight.shape[1], weight.shape[-1]
    y = torch.zeros(n, c_out, (h - 1) * stride + k, (w - 1) * stride + k, dtype=x.dtype)
    for u in range(k):
        for v in range(k):
            y[:, :, u:u + (h - 1) * stride + 1:stride, v:v + (w - 1) * stride + 1:stride] += \\
                torch.einsum("nchw,co->nohw", x, weight[:, :, u, v])
    if padding:
        y = y[:, :, padding:-padding, padding:-padding]
    if bias is not None:
        y = y + bias.reshape(1, -1, 1, 1)
    return y
''',
        "all copies at once, summed by F.fold (col2im)": '''
def conv_transpose2d_naive(x, weight, bias=None, stride=1, padding=0):
    n, c_in, h, w = x.shape
    c_out, k = weight.shape[1], weight.shape[-1]
    copies = torch.einsum("nchw,cokl->noklhw", x, weight).reshape(n, c_out * k * k, h * w)
    full = F.fold(copies, ((h - 1) * stride + k, (w - 1) * stride + k), kernel_size=k, stride=stride)
    y = full[:, :, padding:full.shape[2] - padding, padding:full.shape[3] - padding]
    return y if bias is None else y + bias.view(1, c_out, 1, 1)
''',
    },
}
