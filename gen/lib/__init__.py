"""Plain numpy helpers shared by several figure modules (models, activations, data)."""
