"""AlexNet-style CNNs on CIFAR-10: ReLU vs tanh (Fig. 1), local response normalisation,
overlapping pooling and dropout, plus the parameter count of the ImageNet AlexNet.

References:
    Krizhevsky, A., Sutskever, I. & Hinton, G. E. (2012). ImageNet classification with deep
    convolutional neural networks. Advances in Neural Information Processing Systems 25, 1097-1105.

    Hinton, G. E., Srivastava, N., Krizhevsky, A., Sutskever, I. & Salakhutdinov, R. R. (2012).
    Improving neural networks by preventing co-adaptation of feature detectors. arXiv:1207.0580.
"""

from replications.alexnet.experiment import run

__all__ = ["run"]
