"""Small training helpers shared by the tests: optimisers for a pair, state-dict equality."""
import torch


def adam_pair(netG, netD, lr=2e-4, betas=(0.0, 0.9)):
    """Adam optimisers for both networks."""
    return (torch.optim.Adam(netG.parameters(), lr, betas=betas), torch.optim.Adam(netD.parameters(), lr, betas=betas))


def state_equal(a, b):
    """Whether two state dicts hold bit-identical tensors under the same keys."""
    if a.keys() != b.keys():
        return False
    return all(torch.equal(a[k], b[k]) if torch.is_tensor(a[k]) else a[k] == b[k] for k in a)
