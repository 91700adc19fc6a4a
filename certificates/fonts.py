"""The certificates' PDF font: the registry's shared one (registry/pdf_fonts.py), so that other
apps print Vietnamese in the same embedded face without importing certificates."""

from registry.pdf_fonts import BOLD, BOLD_ITALIC, ITALIC, REGULAR, register

__all__ = ["BOLD", "BOLD_ITALIC", "ITALIC", "REGULAR", "register"]
