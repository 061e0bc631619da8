"""Backpropagation, 1986: the generalized delta rule on the papers' own tasks.

References:
    Rumelhart, D. E., Hinton, G. E. & Williams, R. J. (1986). Learning representations by
    back-propagating errors. Nature 323(6088), 533-536. doi:10.1038/323533a0
    Rumelhart, D. E., Hinton, G. E. & Williams, R. J. (1986). Learning internal representations
    by error propagation. In Rumelhart & McClelland (eds.), Parallel Distributed Processing,
    Vol. 1, Ch. 8, pp. 318-362. MIT Press.
    Hinton, G. E. (1986). Learning distributed representations of concepts. Proc. 8th Annual
    Conference of the Cognitive Science Society, pp. 1-12.

Public pieces that other replications use, imported from here and nowhere deeper:
the generalized delta rule's layered nets (RHW 1986, eqs. 1-9).
"""

from replications.backprop.delta_rule import Layer, Net, error_gradient, forward, init_glorot
from replications.backprop.experiment import run

__all__ = ["Layer", "Net", "error_gradient", "forward", "init_glorot", "run"]
