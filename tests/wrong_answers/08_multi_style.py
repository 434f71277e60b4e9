"""Classic wrong answers to 08's exercises: each must fail at least one graded cell of its exercise."""

_CIN_INIT = '''
class ConditionalInstanceNorm2d(nn.Module):
    def __init__(self, num_features, num_styles):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(num_styles, num_features))
        self.beta = nn.Parameter(torch.zeros(num_styles, num_features))

    def rows(self, style, dtype):
        weights = style.to(dtype) if style.is_floating_point() else F.one_hot(style, len(self.gamma)).to(dtype)
        return (weights @ self.gamma)[:, :, None, None], (weights @ self.beta)[:, :, None, None]
'''

_NETWORK = '''
class ResidualBlock(nn.Module):
    def __init__(self, channels, num_styles):
        super().__init__()
        self.conv1, self.norm1 = conv_layer(channels, channels, 3), ConditionalInstanceNorm2d(channels, num_styles)
        self.conv2, self.norm2 = conv_layer(channels, channels, 3), ConditionalInstanceNorm2d(channels, num_styles)

    def forward(self, x, style):
        h = F.relu(self.norm1(self.conv1(x), style))
        return {residual}


class TransformerNet(nn.Module):
    def __init__(self, num_styles, width=32, residual_blocks=5):
        super().__init__()
        w = width
        self.conv1, self.norm1 = conv_layer(3, w, 9), ConditionalInstanceNorm2d(w, num_styles)
        self.down1, self.norm2 = conv_layer(w, 2 * w, 3, stride=2), ConditionalInstanceNorm2d(2 * w, num_styles)
        self.down2, self.norm3 = conv_layer(2 * w, 4 * w, 3, stride=2), ConditionalInstanceNorm2d(4 * w, num_styles)
        self.residuals = nn.ModuleList([ResidualBlock(4 * w, num_styles) for _ in range(residual_blocks)])
        self.up1, self.norm4 = {up1}, ConditionalInstanceNorm2d(2 * w, num_styles)
        self.up2, self.norm5 = ResizeConv2d(2 * w, w), ConditionalInstanceNorm2d(w, num_styles)
        self.out = conv_layer(w, 3, 9)

    def forward(self, x, style):
        h = F.relu(self.norm1(self.conv1(x), style))
        h = F.relu(self.norm2(self.down1(h), style))
        h = F.relu(self.norm3(self.down2(h), style))
        for block in self.residuals:
            h = block(h, {block_style})
        h = F.relu(self.norm4(self.up1(h), style))
        h = F.relu(self.norm5(self.up2(h), style))
        return {output}
'''


def network(residual="x + self.norm2(self.conv2(h), style)", up1="ResizeConv2d(4 * w, 2 * w)", block_style="style",
            output="torch.sigmoid(self.out(h))"):
    """The solution's network with one piece swapped for a wrong one."""
    return _NETWORK.format(residual=residual, up1=up1, block_style=block_style, output=output)


ANSWERS = {
    "conditional_instance_norm": {
        "unbiased variance": _CIN_INIT + '''
    def forward(self, x, style):
        gamma, beta = self.rows(style, x.dtype)
        mean, var = x.mean((2, 3), keepdim=True), x.var((2, 3), keepdim=True)
        return (x - mean) / torch.sqrt(var + 1e-5) * gamma + beta
''',
        "epsilon added to the standard deviation": _CIN_INIT + '''
    def forward(self, x, style):
        gamma, beta = self.rows(style, x.dtype)
        mean, var = x.mean((2, 3), keepdim=True), x.var((2, 3), keepdim=True, unbiased=False)
        return (x - mean) / (var.sqrt() + 1e-5) * gamma + beta
''',
        "batch statistics (batch norm)": _CIN_INIT + '''
    def forward(self, x, style):
        gamma, beta = self.rows(style, x.dtype)
        mean, var = x.mean((0, 2, 3), keepdim=True), x.var((0, 2, 3), keepdim=True, unbiased=False)
        return (x - mean) / torch.sqrt(var + 1e-5) * gamma + beta
''',
        "layer norm over (C, H, W)": _CIN_INIT + '''
    def forward(self, x, style):
        gamma, beta = self.rows(style, x.dtype)
        return F.layer_norm(x, x.shape[1:], eps=1e-5) * gamma + beta
''',
        "normalises the input in place": _CIN_INIT + '''
    def forward(self, x, style):
        gamma, beta = self.rows(style, x.dtype)
        mean, var = x.mean((2, 3), keepdim=True), x.var((2, 3), keepdim=True, unbiased=False)
        return x.sub_(mean).div_(torch.sqrt(var + 1e-5)) * gamma + beta
''',
        "mixing weights reduced to their argmax": _CIN_INIT + '''
    def forward(self, x, style):
        ids = style.argmax(dim=1) if style.is_floating_point() else style
        return F.instance_norm(x, eps=1e-5) * self.gamma[ids][:, :, None, None] + self.beta[ids][:, :, None, None]
''',
        "every sample uses the first sample's style": _CIN_INIT + '''
    def forward(self, x, style):
        gamma, beta = self.rows(style, x.dtype)
        return F.instance_norm(x, eps=1e-5) * gamma[:1] + beta[:1]
''',
        "gamma and beta as plain tensors (not parameters)": '''
class ConditionalInstanceNorm2d(nn.Module):
    def __init__(self, num_features, num_styles):
        super().__init__()
        self.gamma = torch.ones(num_styles, num_features)
        self.beta = torch.zeros(num_styles, num_features)

    def forward(self, x, style):
        weights = style if style.is_floating_point() else F.one_hot(style, len(self.gamma)).to(x.dtype)
        return F.instance_norm(x, eps=1e-5) * (weights @ self.gamma)[:, :, None, None] + (weights @ self.beta)[:, :, None, None]
''',
        "gamma initialised randomly": '''
class ConditionalInstanceNorm2d(nn.Module):
    def __init__(self, num_features, num_styles):
        super().__init__()
        self.gamma = nn.Parameter(1 + 0.02 * torch.randn(num_styles, num_features))
        self.beta = nn.Parameter(torch.zeros(num_styles, num_features))

    def forward(self, x, style):
        weights = style if style.is_floating_point() else F.one_hot(style, len(self.gamma)).to(x.dtype)
        return F.instance_norm(x, eps=1e-5) * (weights @ self.gamma)[:, :, None, None] + (weights @ self.beta)[:, :, None, None]
''',
        "computes in float32 whatever the input": _CIN_INIT + '''
    def forward(self, x, style):
        gamma, beta = self.rows(style.float() if style.is_floating_point() else style, torch.float32)
        return F.instance_norm(x.float(), eps=1e-5) * gamma.float() + beta.float()
''',
    },
    "transformer_net": {
        "ConvTranspose2d upsampling": network(up1="nn.ConvTranspose2d(4 * w, 2 * w, 3, stride=2, padding=1, output_padding=1)"),
        "no skip connection": network(residual="self.norm2(self.conv2(h), style)"),
        "ReLU after the residual sum": network(residual="F.relu(x + self.norm2(self.conv2(h), style))"),
        "residual blocks always get style 0": network(block_style="torch.zeros_like(style)"),
        "no sigmoid": network(output="self.out(h)"),
        "no sigmoid, behind a tensor subclass whose min and max lie": '''
class _InRange(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if func in (torch.Tensor.min, torch.Tensor.max):
            return torch.tensor(0.5)
        return super().__torch_function__(func, types, args, kwargs or {})
''' + network(output="self.out(h).as_subclass(_InRange)"),
        "plain InstanceNorm2d in the residual blocks": '''
class ResidualBlock(nn.Module):
    def __init__(self, channels, num_styles):
        super().__init__()
        self.conv1, self.norm1 = conv_layer(channels, channels, 3), nn.InstanceNorm2d(channels, affine=True)
        self.conv2, self.norm2 = conv_layer(channels, channels, 3), nn.InstanceNorm2d(channels, affine=True)

    def forward(self, x, style):
        h = F.relu(self.norm1(self.conv1(x)))
        return x + self.norm2(self.conv2(h))
''' + "\n\nclass TransformerNet" + network().split("class TransformerNet")[1],
        "upsampling first to width w, then keeping it": network().replace(
            "self.up1, self.norm4 = ResizeConv2d(4 * w, 2 * w), ConditionalInstanceNorm2d(2 * w, num_styles)",
            "self.up1, self.norm4 = ResizeConv2d(4 * w, w), ConditionalInstanceNorm2d(w, num_styles)").replace(
            "self.up2, self.norm5 = ResizeConv2d(2 * w, w)", "self.up2, self.norm5 = ResizeConv2d(w, w)"),
    },
    "new_style_parameter_count": {
        "forgets beta": '''
def new_style_parameter_count(net):
    return sum(m.gamma.shape[1] for m in net.modules() if isinstance(m, ConditionalInstanceNorm2d))
''',
        "counts every style's rows": '''
def new_style_parameter_count(net):
    return sum(m.gamma.numel() + m.beta.numel() for m in net.modules() if isinstance(m, ConditionalInstanceNorm2d))
''',
        "only direct children": '''
def new_style_parameter_count(net):
    return sum(2 * m.gamma.shape[1] for m in net.children() if isinstance(m, ConditionalInstanceNorm2d))
''',
        "returns a tensor": '''
def new_style_parameter_count(net):
    return sum(m.gamma[0].numel() * torch.tensor(2) for m in net.modules() if isinstance(m, ConditionalInstanceNorm2d))
''',
        "counts every parameter of the network": '''
def new_style_parameter_count(net):
    return sum(p.numel() for p in net.parameters())
''',
    },
    "new_style_parameters": {
        "every parameter of the network (fine-tuning everything)": '''
def new_style_parameters(model):
    return list(model.parameters())
''',
        "forgets beta": '''
def new_style_parameters(model):
    return [m.gamma for m in model.modules() if isinstance(m, ConditionalInstanceNorm2d)]
''',
        "copies (.detach()), which the optimiser would update instead of the model": '''
def new_style_parameters(model):
    return [p.detach() for m in model.modules() if isinstance(m, ConditionalInstanceNorm2d) for p in (m.gamma, m.beta)]
''',
        "by parameter name: takes other layers' gamma and beta too": '''
def new_style_parameters(model):
    return [p for name, p in model.named_parameters() if name.endswith((".gamma", ".beta")) or name in ("gamma", "beta")]
''',
        "by attribute: any layer with gamma and beta": '''
def new_style_parameters(model):
    return [p for m in model.modules() if hasattr(m, "gamma") and hasattr(m, "beta") for p in (m.gamma, m.beta)]
''',
        "only direct children": '''
def new_style_parameters(model):
    return [p for m in model.children() if isinstance(m, ConditionalInstanceNorm2d) for p in (m.gamma, m.beta)]
''',
        "everything but the CIN parameters (the frozen part)": '''
def new_style_parameters(model):
    cin = {id(p) for m in model.modules() if isinstance(m, ConditionalInstanceNorm2d) for p in (m.gamma, m.beta)}
    return [p for p in model.parameters() if id(p) not in cin]
''',
    },
}
