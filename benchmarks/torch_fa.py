"""Feedback alignment in PyTorch, the way a PyTorch user writes it: the reference that
benchmarks/bench.py times and tests/test_torch_reference.py checks minifa against."""
import torch


class FAFunction(torch.autograd.Function):
    """o = h W^T + b forward; backward sends the error to h through B (eq. 5), not W^T."""
    @staticmethod
    def forward(ctx, h, W, b, B):
        ctx.save_for_backward(h, B)
        return h @ W.T + b

    @staticmethod
    def backward(ctx, g):
        h, B = ctx.saved_tensors
        return g @ B.T, g.T @ h, g.sum(0), None      # FA: the error goes back through B
