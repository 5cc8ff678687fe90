"""Reports as plain data and their renderings (CSV and text here; PDF in ``pdf.py`` only)."""
