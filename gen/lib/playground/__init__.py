"""The playground's numpy reference: docs/playground/core/*.js, operation for operation.

The browser playground (docs/playground/) trains the same network as the figures
that link to it. For its runs to agree with the build bit for bit, both sides
compute everything from + - * /, sqrt and floor, in the same order:

- xmath: exp, expm1, log, log1p, sin, cos, tanh, sigmoid (not numpy's or the
  browser's own, which differ in the last bits and mini-batch SGD amplifies that);
- data: the mulberry32 PRNG, normal deviates and the eight 2-D data sets (two, three or four classes);
- nn: the network, its activations, losses, optimisers and training loop
  (sums run in a fixed order instead of BLAS's).

The modules mirror core/xmath.js, core/data.js and core/nn.js one to one;
tests/browser/test_playground_core.py replays runs in Chromium and compares.
gen.lib.mlp stays the vectorised network for figures that need no browser twin.
"""
