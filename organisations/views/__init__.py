"""Pages of the organisations app: thin function-based views, one module per area."""
