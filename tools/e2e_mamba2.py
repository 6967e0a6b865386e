"""The reference engine's Mamba-2 (SSD) decoder, for tools/measure_e2e.py.

Plain PyTorch with random weights, transformers' Mamba2Config field names
(hidden_size, state_size, expand, num_heads, head_dim, n_groups,
conv_kernel, chunk_size). Per layer: RMSNorm, the input projection to
z, x·B·C and dt, the depthwise causal convolution and silu, the SSD scan
(Dao & Gu 2024, "Transformers are SSMs", the chunked algorithm of its
listing 1: per chunk the quadratic form, the chunk states, their
recurrence across chunks, the states' contribution), D·x, the gated
RMSNorm, the output projection and the residual add. Prefill runs the
chunked scan and leaves the conv and SSM states in the cache; a decode
step updates them in place (capturable in a CUDA graph).

[Dao & Gu 2024]: https://arxiv.org/abs/2405.21060
"""

from e2e_graph import graph_replay


class Mamba2Shape:
    def __init__(self, c):
        self.hidden = c["hidden_size"]
        self.layers = c["num_hidden_layers"]
        self.vocab = c["vocab_size"]
        self.state = c.get("state_size", 128)
        self.heads = c["num_heads"]
        self.head_dim = c.get("head_dim", 64)
        self.inner = c.get("expand", 2) * self.hidden
        self.groups = c.get("n_groups", 1)
        self.conv = c.get("conv_kernel", 4)
        self.chunk = c.get("chunk_size", 256)
        self.eps = c.get("layer_norm_epsilon", 1e-5)
        self.tied = bool(c.get("tie_word_embeddings", True))
        self.channels = self.inner + 2 * self.groups * self.state
        self.experts = 0


class Mamba2Reference:
    """Mamba-2 in plain PyTorch ops."""

    def __init__(self, torch, shape, device):
        self.t = torch
        self.s = s = shape
        self.device = device
        bf = torch.bfloat16

        def w(*size):
            return torch.randn(*size, device=device, dtype=bf) * 0.02

        self.embed = w(s.vocab, s.hidden)
        self.head = self.embed if s.tied else w(s.vocab, s.hidden)
        self.final_norm = torch.ones(s.hidden, device=device, dtype=bf)
        width = 2 * s.inner + 2 * s.groups * s.state + s.heads
        self.layers = [dict(
            norm=torch.ones(s.hidden, device=device, dtype=bf),
            in_proj=w(width, s.hidden),
            conv_w=w(s.channels, s.conv), conv_b=w(s.channels),
            dt_bias=w(s.heads),
            # A = −exp(A_log), kept as A (no kernel per step).
            a=-torch.rand(s.heads, device=device, dtype=torch.float32) - 0.5,
            d=w(s.heads),
            gnorm=torch.ones(s.inner, device=device, dtype=bf),
            out_proj=w(s.hidden, s.inner)) for _ in range(s.layers)]
        self.grouped = False

    def profile(self):
        return "torch"

    def segsum(self, x):
        t = self.t
        n = x.size(-1)
        x = x[..., None].expand(*x.shape, n)
        keep = t.tril(t.ones(n, n, device=x.device, dtype=t.bool), -1)
        x = x.masked_fill(~keep, 0)
        out = t.cumsum(x, -2)
        keep = t.tril(t.ones(n, n, device=x.device, dtype=t.bool), 0)
        return out.masked_fill(~keep, -t.inf)

    def ssd(self, x, a, b, c):
        """x (B, L, H, P), a (B, L, H), b and c (B, L, H, N), L a multiple
        of the chunk: y (B, L, H, P) and the final state (B, H, P, N)."""
        t = self.t
        batch, length, h, p = x.shape
        n = b.shape[-1]
        q = self.s.chunk
        k = length // q
        x = x.reshape(batch, k, q, h, p)
        b = b.reshape(batch, k, q, h, n)
        c = c.reshape(batch, k, q, h, n)
        a = a.reshape(batch, k, q, h).permute(0, 3, 1, 2)
        a_cum = t.cumsum(a, -1)
        decay = t.exp(self.segsum(a))
        scores = t.einsum("bclhn,bcshn->bhcls", c, b) * decay
        y_diag = t.einsum("bhcls,bcshp->bclhp", scores.to(x.dtype), x)
        to_end = t.exp(a_cum[..., -1:] - a_cum)
        states = t.einsum("bclhn,bhcl,bclhp->bchpn", b,
                          to_end.to(x.dtype), x)
        states = t.cat((t.zeros_like(states[:, :1]), states), 1)
        across = t.exp(self.segsum(
            t.nn.functional.pad(a_cum[..., -1], (1, 0))))
        states = t.einsum("bhzc,bchpn->bzhpn", across.to(x.dtype), states)
        final = states[:, -1]
        states = states[:, :-1]
        y_off = t.einsum("bclhn,bchpn,bhcl->bclhp", c, states,
                         t.exp(a_cum).to(x.dtype))
        return (y_diag + y_off).reshape(batch, length, h, p), final

    def split(self, zxbcdt):
        s = self.s
        return zxbcdt.split([s.inner, s.channels, s.heads], -1)

    def heads_of(self, bc, lead):
        s = self.s
        out = bc.reshape(*lead, s.groups, s.state)
        if s.groups != s.heads:
            out = out.repeat_interleave(s.heads // s.groups, -2)
        return out

    def gate_out(self, layer, x, y, z):
        F = self.t.nn.functional
        s = self.s
        y = F.rms_norm(y * F.silu(z), (s.inner,), layer["gnorm"], s.eps)
        return x + F.linear(y, layer["out_proj"])

    def prefill(self, ids, caches):
        t = self.t
        F = t.nn.functional
        s = self.s
        batch, length = ids.shape
        pad = (-length) % s.chunk
        x = F.embedding(ids, self.embed)
        for layer, (conv_state, ssm_state) in zip(self.layers, caches):
            y = F.rms_norm(x, (s.hidden,), layer["norm"], s.eps)
            z, xbc, dt = self.split(F.linear(y, layer["in_proj"]))
            conv_state.copy_(xbc[:, -(s.conv - 1):].transpose(1, 2))
            xbc = F.conv1d(xbc.transpose(1, 2), layer["conv_w"][:, None, :],
                           layer["conv_b"], padding=s.conv - 1,
                           groups=s.channels)[..., :length]
            xbc = F.silu(xbc.transpose(1, 2))
            xs, b, c = xbc.split(
                [s.inner, s.groups * s.state, s.groups * s.state], -1)
            dt = F.softplus((dt + layer["dt_bias"]).float())
            xh = xs.reshape(batch, length, s.heads, s.head_dim)
            lead = (batch, length)
            b = self.heads_of(b, lead)
            c = self.heads_of(c, lead)
            xdt = xh * dt[..., None].to(xh.dtype)
            adt = layer["a"] * dt
            if pad:
                xdt = F.pad(xdt, (0, 0, 0, 0, 0, pad))
                adt = F.pad(adt, (0, 0, 0, pad))
                b = F.pad(b, (0, 0, 0, 0, 0, pad))
                c = F.pad(c, (0, 0, 0, 0, 0, pad))
            ys, final = self.ssd(xdt, adt, b, c)
            ssm_state.copy_(final)
            ys = ys[:, :length] + layer["d"][:, None] * xh
            x = self.gate_out(layer, x, ys.reshape(batch, length, s.inner), z)
        x = F.rms_norm(x, (s.hidden,), self.final_norm, s.eps)
        return t.argmax(F.linear(x[:, -1], self.head), -1)

    def step(self, ids, caches):
        t = self.t
        F = t.nn.functional
        s = self.s
        batch = ids.shape[0]
        x = F.embedding(ids, self.embed)[:, 0]
        for layer, (conv_state, ssm_state) in zip(self.layers, caches):
            y = F.rms_norm(x, (s.hidden,), layer["norm"], s.eps)
            z, xbc, dt = self.split(F.linear(y, layer["in_proj"]))
            window = t.cat((conv_state, xbc[..., None]), -1)
            conv_state.copy_(window[..., 1:])
            xbc = F.silu((window * layer["conv_w"]).sum(-1) + layer["conv_b"])
            xs, b, c = xbc.split(
                [s.inner, s.groups * s.state, s.groups * s.state], -1)
            dt = F.softplus((dt + layer["dt_bias"]).float())
            da = t.exp(dt * layer["a"]).to(x.dtype)
            xh = xs.reshape(batch, s.heads, s.head_dim)
            b = self.heads_of(b, (batch,))
            c = self.heads_of(c, (batch,))
            dbx = (xh * dt[..., None].to(x.dtype))[..., None] * b[:, :, None]
            ssm_state.copy_(ssm_state * da[..., None, None] + dbx)
            ys = (ssm_state * c[:, :, None]).sum(-1) \
                + layer["d"][:, None] * xh
            x = self.gate_out(layer, x, ys.reshape(batch, s.inner), z)
        x = F.rms_norm(x, (s.hidden,), self.final_norm, s.eps)
        return t.argmax(F.linear(x, self.head), -1)

    def caches(self, batch):
        t = self.t
        s = self.s
        return [(t.zeros(batch, s.channels, s.conv - 1, device=self.device,
                         dtype=t.bfloat16),
                 t.zeros(batch, s.heads, s.head_dim, s.state,
                         device=self.device, dtype=t.bfloat16))
                for _ in range(s.layers)]

    def prefill_call(self, batch, prompt):
        ids = self.t.randint(0, self.s.vocab, (batch, prompt),
                             device=self.device)
        caches = self.caches(batch)
        return lambda: self.prefill(ids, caches)

    def decode_call(self, batch, context, graph):
        """A decode step; the state's size does not depend on the context,
        which is nominal here."""
        t = self.t
        ids = t.randint(0, self.s.vocab, (batch, 1), device=self.device)
        caches = self.caches(batch)

        def step():
            return self.step(ids, caches)
        if not graph:
            return step
        return graph_replay(t, step)
