"""Rendering what the store holds, one module per report (its context, builder and writer).
Reports never import the store, the ORM or the application (docs/architecture.md)."""
