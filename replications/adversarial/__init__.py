"""Adversarial examples.

Szegedy, C., Zaremba, W., Sutskever, I., Bruna, J., Erhan, D., Goodfellow, I. & Fergus, R.
(2014). Intriguing properties of neural networks. ICLR 2014, arXiv:1312.6199.

Goodfellow, I. J., Shlens, J. & Szegedy, C. (2015). Explaining and harnessing adversarial
examples. ICLR 2015, arXiv:1412.6572.
"""

from replications.adversarial.experiment import run

__all__ = ["run"]
