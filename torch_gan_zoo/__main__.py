"""``python -m torch_gan_zoo`` runs the ``torch-gan-zoo`` command."""
import sys

from torch_gan_zoo.cli import main

sys.exit(main())
