"""symbreak: discover symmetry breaking in data with relaxed E(3)-equivariant networks."""

__version__ = "0.1.0"
