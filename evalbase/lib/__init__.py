"""Helpers shared by every app: the bottom layer. Nothing here imports an EvalBase app."""
