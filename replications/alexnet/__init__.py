"""AlexNet-style CNNs on CIFAR-10: ReLU vs tanh (Fig. 1), local response normalisation,
overlapping pooling and dropout, plus the parameter count of the ImageNet AlexNet.

References:
    Krizhevsky, A., Sutskever, I. & Hinton, G. E. (2012). ImageNet classification with deep
    convolutional neural networks. Advances in Neural Information Processing Systems 25, 1097-1105.

    Hinton, G. E., Srivastava, N., Krizhevsky, A., Sutskever, I. & Salakhutdinov, R. R. (2012).
    Improving neural networks by preventing co-adaptation of feature detectors. arXiv:1207.0580.

Public pieces that other replications use, imported from here and nowhere deeper:
the four-layer CNN of Fig. 1 and the per-pixel mean subtraction (Krizhevsky et al. §2:
'subtracting the mean activity over the training set from each pixel').
"""

from replications.alexnet.experiment import run
from replications.alexnet.model import FourLayerNet
from replications.alexnet.train import subtract_mean

__all__ = ["FourLayerNet", "run", "subtract_mean"]
