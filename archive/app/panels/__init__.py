"""Panels of the page: one module per feature with render functions (Streamlit calls), used by
the page scripts in archive/app/pages/ through one or two call lines each."""
