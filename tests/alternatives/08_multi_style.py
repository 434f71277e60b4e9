"""Correct answers to 08's exercises written in other idioms: each must pass every graded cell of its exercise."""

SOLUTION_NETWORK = '''
class ResidualBlock(nn.Module):
    def __init__(self, channels, num_styles):
        super().__init__()
        self.conv1, self.norm1 = conv_layer(channels, channels, 3), ConditionalInstanceNorm2d(channels, num_styles)
        self.conv2, self.norm2 = conv_layer(channels, channels, 3), ConditionalInstanceNorm2d(channels, num_styles)

    def forward(self, x, style):
        h = F.relu(self.norm1(self.conv1(x), style))
        return x + self.norm2(self.conv2(h), style)


class TransformerNet(nn.Module):
    def __init__(self, num_styles, width=32, residual_blocks=5):
        super().__init__()
        w = width
        self.conv1, self.norm1 = conv_layer(3, w, 9), ConditionalInstanceNorm2d(w, num_styles)
        self.down1, self.norm2 = conv_layer(w, 2 * w, 3, stride=2), ConditionalInstanceNorm2d(2 * w, num_styles)
        self.down2, self.norm3 = conv_layer(2 * w, 4 * w, 3, stride=2), ConditionalInstanceNorm2d(4 * w, num_styles)
        self.residuals = nn.ModuleList([ResidualBlock(4 * w, num_styles) for _ in range(residual_blocks)])
        self.up1, self.norm4 = ResizeConv2d(4 * w, 2 * w), ConditionalInstanceNorm2d(2 * w, num_styles)
        self.up2, self.norm5 = ResizeConv2d(2 * w, w), ConditionalInstanceNorm2d(w, num_styles)
        self.out = conv_layer(w, 3, 9)

    def forward(self, x, style):
        h = F.relu(self.norm1(self.conv1(x), style))
        h = F.relu(self.norm2(self.down1(h), style))
        h = F.relu(self.norm3(self.down2(h), style))
        for block in self.residuals:
            h = block(h, style)
        h = F.relu(self.norm4(self.up1(h), style))
        h = F.relu(self.norm5(self.up2(h), style))
        return torch.sigmoid(self.out(h))
'''

ANSWERS = {
    "conditional_instance_norm": {
        "wraps nn.InstanceNorm2d(affine=False), rows by index_select": '''
class ConditionalInstanceNorm2d(nn.Module):
    def __init__(self, num_features, num_styles):
        super().__init__()
        self.norm = nn.InstanceNorm2d(num_features, affine=False)
        self.gamma = nn.Parameter(torch.ones(num_styles, num_features))
        self.beta = nn.Parameter(torch.zeros(num_styles, num_features))

    def forward(self, x, style):
        if style.is_floating_point():
            gamma, beta = style @ self.gamma, style @ self.beta
        else:
            gamma, beta = self.gamma.index_select(0, style), self.beta.index_select(0, style)
        return self.norm(x) * gamma.unsqueeze(-1).unsqueeze(-1) + beta.unsqueeze(-1).unsqueeze(-1)
''',
        "statistics by hand (var_mean), ids as one-hot, einsum": '''
class ConditionalInstanceNorm2d(nn.Module):
    def __init__(self, num_features, num_styles):
        super().__init__()
        self.num_styles = num_styles
        self.gamma = nn.Parameter(torch.ones(num_styles, num_features))
        self.beta = nn.Parameter(torch.zeros(num_styles, num_features))

    def forward(self, x, style):
        weights = style if style.is_floating_point() else F.one_hot(style, self.num_styles).to(x.dtype)
        var, mean = torch.var_mean(x, dim=(2, 3), keepdim=True, unbiased=False)
        x_hat = (x - mean) * torch.rsqrt(var + 1e-5)
        gamma = torch.einsum("ns,sc->nc", weights, self.gamma)
        beta = torch.einsum("ns,sc->nc", weights, self.beta)
        return x_hat * gamma[..., None, None] + beta[..., None, None]
''',
        "two-pass statistics by hand, broadcast sum for mixing": '''
class ConditionalInstanceNorm2d(nn.Module):
    def __init__(self, num_features, num_styles):
        super().__init__()
        self.register_parameter("gamma", nn.Parameter(torch.ones(num_styles, num_features)))
        self.register_parameter("beta", nn.Parameter(torch.zeros(num_styles, num_features)))

    def forward(self, x, style):
        n, c, h, w = x.shape
        flat = x.reshape(n, c, h * w)
        centred = flat - flat.mean(dim=2, keepdim=True)
        x_hat = (centred / torch.sqrt((centred ** 2).mean(dim=2, keepdim=True) + 1e-5)).reshape(n, c, h, w)
        if style.is_floating_point():
            gamma = (style[:, :, None] * self.gamma[None]).sum(dim=1)
            beta = (style[:, :, None] * self.beta[None]).sum(dim=1)
        else:
            gamma, beta = self.gamma[style], self.beta[style]
        return gamma.view(n, c, 1, 1) * x_hat + beta.view(n, c, 1, 1)
''',
    },
    "transformer_net": {
        "pairs in ModuleLists, reflect-padded convs, a loop in forward": '''
class ResidualBlock(nn.Module):
    def __init__(self, channels, num_styles):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(channels, channels, 3, padding=1, padding_mode="reflect") for _ in range(2)])
        self.norms = nn.ModuleList([ConditionalInstanceNorm2d(channels, num_styles) for _ in range(2)])

    def forward(self, x, style):
        h = self.norms[0](self.convs[0](x), style).relu()
        h = self.norms[1](self.convs[1](h), style)
        return h + x


class TransformerNet(nn.Module):
    def __init__(self, num_styles, width=32, residual_blocks=5):
        super().__init__()
        w = width
        self.encoder = nn.ModuleList([conv_layer(3, w, 9), conv_layer(w, 2 * w, 3, 2), conv_layer(2 * w, 4 * w, 3, 2)])
        self.encoder_norms = nn.ModuleList([ConditionalInstanceNorm2d(c, num_styles) for c in (w, 2 * w, 4 * w)])
        self.blocks = nn.ModuleList([ResidualBlock(4 * w, num_styles) for _ in range(residual_blocks)])
        self.decoder = nn.ModuleList([ResizeConv2d(4 * w, 2 * w), ResizeConv2d(2 * w, w)])
        self.decoder_norms = nn.ModuleList([ConditionalInstanceNorm2d(c, num_styles) for c in (2 * w, w)])
        self.head = nn.Conv2d(w, 3, 9, padding=4, padding_mode="reflect")

    def forward(self, x, style):
        for conv, norm in zip(self.encoder, self.encoder_norms):
            x = torch.relu(norm(conv(x), style))
        for block in self.blocks:
            x = block(x, style)
        for conv, norm in zip(self.decoder, self.decoder_norms):
            x = torch.relu(norm(conv(x), style))
        return self.head(x).sigmoid()
''',
        "the solution's network on a CIN that wraps nn.InstanceNorm2d (issue 13)": '''
class ConditionalInstanceNorm2d(nn.Module):
    def __init__(self, num_features, num_styles):
        super().__init__()
        self.norm = nn.InstanceNorm2d(num_features, affine=False)
        self.gamma = nn.Parameter(torch.ones(num_styles, num_features))
        self.beta = nn.Parameter(torch.zeros(num_styles, num_features))

    def forward(self, x, style):
        weights = style.to(x.dtype) if style.is_floating_point() else F.one_hot(style, len(self.gamma)).to(x.dtype)
        return self.norm(x) * (weights @ self.gamma)[:, :, None, None] + (weights @ self.beta)[:, :, None, None]
''' + SOLUTION_NETWORK,
    },
    "new_style_parameter_count": {
        "numel of one row, int()": '''
def new_style_parameter_count(net):
    total = 0
    for module in net.modules():
        if isinstance(module, ConditionalInstanceNorm2d):
            total += module.gamma[0].numel() + module.beta[0].numel()
    return int(total)
''',
        "parameters per row divided out": '''
def new_style_parameter_count(net):
    cins = [m for m in net.modules() if type(m).__name__ == "ConditionalInstanceNorm2d"]
    return sum((m.gamma.numel() + m.beta.numel()) // m.gamma.shape[0] for m in cins)
''',
    },
    "new_style_parameters": {
        "a generator over the CIN modules' own parameters": '''
def new_style_parameters(model):
    for module in model.modules():
        if isinstance(module, ConditionalInstanceNorm2d):
            yield from module.parameters(recurse=False)
''',
        "class by name, a tuple, betas first": '''
def new_style_parameters(model):
    cins = [m for _, m in model.named_modules() if type(m).__name__ == "ConditionalInstanceNorm2d"]
    return tuple([m.beta for m in cins] + [m.gamma for m in cins])
''',
        "named_parameters of the CINs, deduplicated by id": '''
def new_style_parameters(model):
    chosen = {}
    for module in model.modules():
        if isinstance(module, ConditionalInstanceNorm2d):
            for name, parameter in module.named_parameters():
                if name in ("gamma", "beta"):
                    chosen[id(parameter)] = parameter
    return list(chosen.values())
''',
    },
}
