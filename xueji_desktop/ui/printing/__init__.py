"""Printing: the preview, the print actions, 套打, the certificates' wording and their check."""
